"""Browser forms of the accounts app. Validation messages are Greek; services re-check everything."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

from accounts.models import Membership, User
from accounts.validators import normalise_afm, validate_afm, validate_amka

PASSWORD_MAX_LENGTH = 4096  # a longer one is not a password; hashing it would only cost time


class StaffAuthenticationForm(AuthenticationForm):
    """Password login for staff only: businesses and citizens log in through TAXISnet."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Λάθος όνομα χρήστη ή κωδικός πρόσβασης.",
        "inactive": "Ο λογαριασμός είναι ανενεργός.",
        "not_staff": "Ο λογαριασμός αυτός συνδέεται μόνο μέσω TAXISnet.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sets the username's max_length after the field is made, so without this
        # validator a longer name still reached authenticate() and the failed-login record
        # (django-axes keeps 255 characters): a 500 instead of the form's error (issue 11).
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))
        self.fields["password"].validators.append(validators.MaxLengthValidator(PASSWORD_MAX_LENGTH))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.kind != User.Kind.STAFF:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class OtpCodeForm(forms.Form):
    """The six digits an authenticator app shows (accounts.two_factor). Spaces are allowed, as apps
    show the code in two groups of three."""

    code = forms.CharField(
        label="Κωδικός από την εφαρμογή επαλήθευσης",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "govgr-input govgr-input--width-10",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
        help_text=(
            "Τα 6 ψηφία που δείχνει τώρα η εφαρμογή (π.χ. Google Authenticator, FreeOTP, "
            "Microsoft Authenticator)."
        ),
        error_messages={"required": "Συμπληρώστε τον κωδικό των 6 ψηφίων."},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Ο κωδικός είναι 6 ψηφία (0–9).", code="format")
        return code


class MembershipInviteForm(forms.Form):
    afm = forms.CharField(
        label="ΑΦΜ του προσώπου",
        max_length=12,
        widget=forms.TextInput(attrs={"class": "govgr-input", "inputmode": "numeric", "autocomplete": "off"}),
        help_text="Το πρόσωπο θα συνδεθεί με τους δικούς του κωδικούς TAXISnet.",
        error_messages={"required": "Συμπληρώστε τον ΑΦΜ."},
    )
    role = forms.ChoiceField(
        label="Ρόλος",
        choices=Membership.BusinessRole.choices,
        widget=forms.Select(attrs={"class": "govgr-select"}),
        error_messages={"required": "Επιλέξτε ρόλο.", "invalid_choice": "Επιλέξτε έναν από τους ρόλους."},
    )
    email = forms.EmailField(
        label="E-mail επικοινωνίας",
        required=False,
        widget=forms.EmailInput(attrs={"class": "govgr-input"}),
        error_messages={"invalid": "Συμπληρώστε έγκυρη διεύθυνση e-mail."},
    )

    def clean_afm(self):
        value = normalise_afm(self.cleaned_data["afm"])
        validate_afm(value)
        return value


class MembershipRevokeForm(forms.Form):
    reason = forms.CharField(label="Αιτιολογία", max_length=500, required=False, widget=forms.Textarea)


class AmkaClaimForm(forms.Form):
    """«Δήλωση ΑΜΚΑ»: the register confirms it; only the ΑΜΚΑ of the user's own ΑΦΜ is accepted."""

    amka = forms.CharField(
        label="ΑΜΚΑ",
        help_text="11 ψηφία. Θα επιβεβαιωθεί από το μητρώο ΑΜΚΑ (ΗΔΙΚΑ) ότι ανήκει στον ΑΦΜ σας.",
        max_length=15,
        widget=forms.TextInput(attrs={"class": "govgr-input", "inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_amka(self):
        value = self.cleaned_data["amka"].strip().replace(" ", "")
        validate_amka(value)
        return value


class BusinessContactForm(forms.Form):
    """The contact profile for legal notices; the service checks and normalises (accounts.services)."""

    email = forms.CharField(
        label="E-mail νόμιμων κοινοποιήσεων",
        required=False,
        help_text="Τα μηνύματα σε αυτή τη διεύθυνση επέχουν θέση κοινοποίησης (ΚΥΑ 7066 Άρθ. 6.10, 7.3). "
        "Ισχύει αφού την επιβεβαιώσετε από τον σύνδεσμο που θα λάβετε.",
        widget=forms.EmailInput(
            attrs={"class": "govgr-input", "autocomplete": "email", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label="Τηλέφωνο επικοινωνίας",
        required=False,
        help_text="10 ψηφία, π.χ. 2461012345 ή 6912345678.",
        widget=forms.TextInput(attrs={"class": "govgr-input", "inputmode": "tel", "autocomplete": "tel"}),
    )
