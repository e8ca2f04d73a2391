import factory

from accounts.models import Business, BusinessActivity, Membership, Person, Role, RoleAssignment, User
from opske.search import search_document


def afm_with_check_digit(first8: str) -> str:
    """A checksum-valid ΑΦΜ from 8 digits (interop.md §1)."""
    total = sum(int(d) * 2 ** (8 - i) for i, d in enumerate(first8))
    return first8 + str(total % 11 % 10)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    kind = User.Kind.STAFF
    first_name = "Ελένη"
    last_name = "Στέλεχος"
    password = factory.django.Password("correct-horse-42")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            RoleAssignment.objects.create(user=self, role=role)


class TaxisnetUserFactory(UserFactory):
    kind = User.Kind.TAXISNET
    afm = factory.Sequence(lambda n: afm_with_check_digit(f"17{n:06d}"))
    username = factory.LazyAttribute(lambda o: f"taxisnet-{o.afm}")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        skip_postgeneration_save = True

    afm = factory.Sequence(lambda n: afm_with_check_digit(f"99{n:06d}"))
    name = factory.Sequence(lambda n: f"ΔΟΚΙΜΑΣΤΙΚΗ ΕΠΙΧΕΙΡΗΣΗ {n} ΙΚΕ")
    legal_form = "ΙΚΕ"
    postal_code = "50100"
    city = "ΚΟΖΑΝΗ"
    search_text = factory.LazyAttribute(lambda o: search_document(o.name, o.afm))
    activity = factory.RelatedFactory(
        "accounts.tests.factories.BusinessActivityFactory", factory_related_name="business"
    )


class BusinessActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessActivity

    business = factory.SubFactory(BusinessFactory, activity=None)
    code = "43210000"
    description = "Ηλεκτρικές εγκαταστάσεις"
    kind = BusinessActivity.Kind.MAIN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(TaxisnetUserFactory)
    invited_afm = factory.LazyAttribute(lambda o: o.user.afm if o.user else afm_with_check_digit("18000000"))
    role = Membership.BusinessRole.COORDINATOR
    state = Membership.State.ACTIVE


__all__ = ["Role"]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    amka = "15038580948"
    afm = "103374891"
    first_name = "ΜΑΡΙΑ"
    last_name = "ΠΑΠΑΔΟΠΟΥΛΟΥ"
