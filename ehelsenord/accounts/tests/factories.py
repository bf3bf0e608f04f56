from __future__ import annotations

from typing import Any, cast

import factory

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import User

TEST_PASSWORD = "riktig-hest-batteri-stift"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommune.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.READER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def municipalities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def finish(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            # factory_boy passes the created User as the first argument.
            user = cast(User, self)
            user.is_staff = user.role == Role.NETWORK_ADMIN
            user.is_superuser = user.role == Role.NETWORK_ADMIN
            user.save()
