"""The public form for a suggestion (/forslag/)."""

from django import forms

from catalog.models import ChangeSuggestion
from catalog.models.suggestions import MAX_REPLY, MAX_TEXT


class SuggestionForm(forms.ModelForm):
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    webbplats = forms.CharField(required=False, label="Lämna det här fältet tomt")

    class Meta:
        model = ChangeSuggestion
        fields = ["concerns", "text", "email"]
        labels = {
            "concerns": "Vilken text gäller det?",
            "text": "Vad är fel eller saknas?",
            "email": "Din e-postadress (om du vill ha svar)",
        }
        help_texts = {
            "text": f"Högst {MAX_TEXT} tecken. Skriv inga patientuppgifter.",
            "email": "Frivilligt. Används bara för att svara dig.",
        }
        widgets = {"concerns": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT})}
        error_messages = {
            "text": {
                "required": "Skriv vad som är fel eller saknas.",
                "max_length": f"Texten får vara högst {MAX_TEXT} tecken (den har %(show_value)d).",
            },
            "concerns": {"required": "Välj vilken text det gäller.", "invalid_choice": "Välj ett av alternativen."},
            "email": {"invalid": "Skriv en giltig e-postadress, eller lämna fältet tomt."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No blank "- Välj -" radio: the choice starts unselected (or on what the link came from) and is required.
        self.fields["concerns"].choices = ChangeSuggestion.Concerns.choices

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Skriv vad som är fel eller saknas.")
        return text.strip()

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("webbplats"))


class ReplyForm(forms.Form):
    """A coordinator's answer to the person who wrote a suggestion (catalog.suggestions.replies)."""

    text = forms.CharField(
        label="Svar till den som skrev",
        max_length=MAX_REPLY,
        help_text=f"Högst {MAX_REPLY} tecken.",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_REPLY}),
        error_messages={
            "required": "Skriv ett svar.",
            "max_length": f"Svaret får vara högst {MAX_REPLY} tecken (det har %(show_value)d).",
        },
    )
    then = forms.ChoiceField(
        label="Efter svaret",
        choices=[
            (ChangeSuggestion.Status.DONE, "Klar – stäng förslaget"),
            (ChangeSuggestion.Status.REJECTED, "Avvisad – stäng förslaget"),
            (ChangeSuggestion.Status.IN_PROGRESS, "Låt förslaget vara öppet (Pågår)"),
        ],
        initial=ChangeSuggestion.Status.DONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Välj vad som händer med förslaget.",
            "invalid_choice": "Välj ett av alternativen.",
        },
    )

    def clean_text(self) -> str:
        # One line ending, as everywhere else: a browser sends CRLF.
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip()
        if not text:
            raise forms.ValidationError("Skriv ett svar.")
        return text
