import factory
from django.contrib.auth import get_user_model

from accounts.models import RoleAssignment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gr")
    first_name = "Μαρία"
    last_name = "Παπαδοπούλου"
    kind = "staff"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=role)
        self.save()


class BusinessUserFactory(UserFactory):
    kind = "taxisnet"
    afm = factory.Sequence(lambda n: f"{100000000 + n}")
