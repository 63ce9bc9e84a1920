"""Svara på ett förslag: a coordinator answers the person who wrote, from the suggestion's page in the admin.

The answers go through a real SMTP server started for each test (tests/support/smtp.py), not a mock:
the tests read what the server received.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from catalog.editorial.accounts import trainer_group
from catalog.models import ChangeSuggestion, SuggestionReply
from catalog.suggestions.limits import prune
from tests.support.rendered_forms import rendered_form

pytestmark = pytest.mark.django_db

ANSWER = "Hej!\n\nTack – vi har rättat anvisningen för AU118 så att den står en gång. Åsa på kodningsenheten"


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "th" and ("scope", "col") in attrs:
            self.inside = True
            self.headings.append("")

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "th"

    def handle_data(self, data):
        if self.inside:
            self.headings[-1] += data


def column_headings(html: str) -> list[str]:
    """The text of each column heading of the page's table, as a screen reader reads it."""
    parser = _Headings()
    parser.feed(html)
    return [" ".join(h.split()).lower() for h in parser.headings if h.strip()]


def suggestion(**values) -> ChangeSuggestion:
    fields = {"code": "AU118", "concerns": "anvisning", "text": "Anvisningen står två gånger.", "address_key": "x"}
    return ChangeSuggestion.objects.create(**{**fields, **values})


def page_of(item: ChangeSuggestion) -> str:
    return f"/admin/catalog/changesuggestion/{item.pk}/change/"


def reply_from_the_page(client: Client, item: ChangeSuggestion, **changes):
    """Open the suggestion's page as the coordinator does, fill in its reply form and send it."""
    form = rendered_form(client.get(page_of(item)).content, form_id="svar_form")
    data = form["fields"]
    for name, value in changes.items():
        assert name in data or name == "text", f"the reply form has no field {name!r}"
        data[name] = value
    return client.post(form["action"], data)


def test_an_answer_goes_through_the_mail_server_to_the_writer_and_closes_the_suggestion(
    logged_in_coordinator, client, smtp_server
):
    item = suggestion(email="skribent@example.se")
    response = reply_from_the_page(client, item, text=ANSWER, then="klar")
    assert response.status_code == 302 and response["Location"] == page_of(item)

    [received] = smtp_server.inbox.messages
    assert received.recipients == ["skribent@example.se"]
    assert received.message["To"] == "skribent@example.se"
    assert received.message["Subject"] == "Svar på ditt förslag om AU118 i KVÅ-guiden"
    assert received.message["From"] == "KVÅ-guiden <kva-guiden@localhost>"
    assert ANSWER in received.body  # å, ä, ö and the dash arrive intact
    assert "Anvisningen står två gånger." not in received.body  # the suggestion is not quoted back

    reply = SuggestionReply.objects.get()
    assert (reply.suggestion, reply.text, reply.sent_by, reply.sent_to, reply.sent) == (
        item,
        ANSWER,
        logged_in_coordinator,
        "skribent@example.se",
        True,
    )
    item.refresh_from_db()
    assert item.status == "klar" and item.closed_at is not None
    html = client.get(page_of(item)).content.decode()
    assert "Svaret skickades till skribent@example.se" in html
    assert "skickat till skribent@example.se" in html and "Tack – vi har rättat anvisningen" in html


def test_a_subject_names_the_wizard_step_and_replies_show_in_order_and_may_keep_it_open(
    logged_in_coordinator, client, smtp_server
):
    item = suggestion(code="", visit_path="bhv/hembesok", concerns="besoksguiden", email="a@example.se")
    reply_from_the_page(client, item, text="Första svaret.", then="pagar")
    reply_from_the_page(client, item, text="Andra svaret.", then="pagar")
    subjects = [m.message["Subject"] for m in smtp_server.inbox.messages]
    assert subjects == ["Svar på ditt förslag om besöksguiden (/bhv/hembesok/) i KVÅ-guiden"] * 2
    item.refresh_from_db()
    assert item.status == "pagar" and item.closed_at is None
    html = client.get(page_of(item)).content.decode()
    assert html.index("Första svaret.") < html.index("Andra svaret.")


def test_the_answer_carries_the_reply_to_address_when_one_is_set(logged_in_coordinator, client, smtp_server, settings):
    settings.SUGGESTION_REPLY_TO = ["kodning@example.se"]
    reply_from_the_page(client, suggestion(email="a@example.se"), text="Tack.", then="klar")
    assert smtp_server.inbox.messages[0].message["Reply-To"] == "kodning@example.se"


def test_without_an_address_the_answer_is_recorded_and_nothing_is_sent(logged_in_coordinator, client, smtp_server):
    item = suggestion(email="")
    page = client.get(page_of(item)).content.decode()
    assert "Förslaget har ingen e-postadress" in page and 'value="Spara svaret"' in page
    response = reply_from_the_page(client, item, text="Rättat.", then="klar")
    assert response.status_code == 302
    assert smtp_server.inbox.messages == []
    reply = SuggestionReply.objects.get()
    assert (reply.text, reply.sent_to, reply.sent) == ("Rättat.", "", False)
    item.refresh_from_db()
    assert item.status == "klar"
    html = client.get(page_of(item)).content.decode()
    assert "skickades inte: förslaget har ingen e-postadress" in html


def test_when_the_mail_server_is_down_the_answer_is_kept_as_not_sent_with_a_swedish_message(
    logged_in_coordinator, client, smtp_server, caplog
):
    item = suggestion(email="skribent@example.se")
    form = rendered_form(client.get(page_of(item)).content, form_id="svar_form")
    smtp_server.stop()
    response = client.post(form["action"], {**form["fields"], "text": ANSWER, "then": "klar"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Svaret kunde inte skickas till skribent@example.se" in html
    assert "inte skickat" in html and "Tack – vi har rättat anvisningen" in html
    reply = SuggestionReply.objects.get()
    assert (reply.text, reply.sent_to, reply.sent) == (ANSWER, "skribent@example.se", False)
    item.refresh_from_db()
    assert item.status == "ny", "a suggestion whose answer did not go out stays open"
    logged = [r.getMessage() for r in caplog.records if r.name == "catalog.suggestions.replies"]
    assert logged and f"suggestion {item.pk} not sent" in logged[0]
    assert "skribent@example.se" not in " ".join(logged), "the address stays out of the log"


def test_when_the_mail_server_refuses_the_address_the_answer_is_kept_as_not_sent(
    logged_in_coordinator, client, smtp_server, caplog
):
    smtp_server.inbox.refuse = True
    item = suggestion(email="finns-inte@example.se")
    response = reply_from_the_page(client, item, text="Tack.", then="avvisad")
    assert response.status_code == 302
    assert "Svaret kunde inte skickas" in client.get(response["Location"]).content.decode()
    assert not SuggestionReply.objects.get().sent
    item.refresh_from_db()
    assert item.status == "ny"
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "catalog.suggestions.replies")
    assert "SMTPRecipientsRefused [550]" in logged and "finns-inte@example.se" not in logged


def test_an_empty_answer_is_refused_in_swedish_and_nothing_is_sent(logged_in_coordinator, client, smtp_server):
    item = suggestion(email="a@example.se")
    response = reply_from_the_page(client, item, text="  \r\n ", then="klar")
    assert response.status_code == 400
    assert "Skriv ett svar." in response.content.decode()
    response = reply_from_the_page(client, item, text="Hej", then="borttagen")
    assert response.status_code == 400 and "Välj ett av alternativen." in response.content.decode()
    response = reply_from_the_page(client, item, text="å" * 5001, then="klar")
    assert response.status_code == 400 and "högst 5000 tecken (det har 5001)" in response.content.decode()
    assert smtp_server.inbox.messages == [] and not SuggestionReply.objects.exists()
    item.refresh_from_db()
    assert item.status == "ny"


def test_a_trainer_or_a_reader_of_suggestions_cannot_reply(client, smtp_server):
    item = suggestion(email="a@example.se")
    reply_url = f"/admin/catalog/changesuggestion/{item.pk}/svara/"
    trainer = User.objects.create_user("utbildare", password="x", is_staff=True)
    trainer.groups.add(trainer_group())
    client.force_login(trainer)
    assert client.get(page_of(item)).status_code == 403
    assert client.post(reply_url, {"text": "Hej", "then": "klar"}).status_code == 403

    reader = User.objects.create_user("lasare", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_changesuggestion"))
    client.force_login(reader)
    page = client.get(page_of(item))
    assert page.status_code == 200 and 'id="svar_form"' not in page.content.decode()
    assert client.post(reply_url, {"text": "Hej", "then": "klar"}).status_code == 403
    assert smtp_server.inbox.messages == [] and not SuggestionReply.objects.exists()


def test_an_answer_and_its_address_are_deleted_with_the_suggestion(
    logged_in_coordinator, client, smtp_server, settings
):
    item = suggestion(email="skribent@example.se")
    reply_from_the_page(client, item, text="Tack.", then="klar")
    assert SuggestionReply.objects.filter(sent_to="skribent@example.se").exists()
    settings.SUGGESTION_RETENTION_DAYS = -1  # closed "longer ago" than the retention period
    prune()
    assert not ChangeSuggestion.objects.filter(pk=item.pk).exists()
    assert not SuggestionReply.objects.exists()


def test_the_queue_names_each_column_and_its_date_links_in_swedish(logged_in_coordinator, client):
    suggestion(email="a@example.se")
    html = client.get("/admin/catalog/changesuggestion/").content.decode()
    headings = column_headings(html)
    assert "kod eller steg" in headings and "vilken text" in headings
    assert len(headings) == len(set(headings)), headings
    assert "Filter by" not in html and "Visa förslag som kom in:" in html


def test_the_queue_shows_which_suggestions_were_answered_in_a_constant_number_of_queries(
    logged_in_coordinator, client, smtp_server, django_assert_max_num_queries
):
    answered = suggestion(email="a@example.se", text="Besvarat förslag")
    suggestion(email="b@example.se", text="Väntar på svar")
    for n in range(5):
        suggestion(text=f"Utan adress {n}")
    reply_from_the_page(client, answered, text="Tack.", then="pagar")
    client.get("/admin/catalog/changesuggestion/")  # the session and permissions, fetched once
    with django_assert_max_num_queries(10):
        html = client.get("/admin/catalog/changesuggestion/").content.decode()
    assert column_headings(html)[-1] == "svar skickat"

    def icons(text: str) -> list[str]:
        row = html[html.index(text) :].split("</tr>")[0]
        return re.findall(r'<img src="[^"]*icon-(yes|no)\.svg"', row)

    assert icons("Besvarat förslag") == ["yes", "yes"]  # wants a reply, and got one
    assert icons("Väntar på svar") == ["yes", "no"]


def test_the_reply_address_refuses_a_wrong_method_and_an_unknown_suggestion(logged_in_coordinator, client):
    item = suggestion()
    assert client.put(f"/admin/catalog/changesuggestion/{item.pk}/svara/").status_code == 405
    assert client.get(f"/admin/catalog/changesuggestion/{item.pk}/svara/").status_code == 200
    assert client.post("/admin/catalog/changesuggestion/999999/svara/", {"text": "x"}).status_code == 404


def test_after_a_refused_send_the_form_holds_the_answer_again_and_a_second_press_sends_it(
    logged_in_coordinator, client, smtp_server
):
    item = suggestion(email="skribent@example.se")
    smtp_server.inbox.refuse = True
    reply_from_the_page(client, item, text=ANSWER, then="klar")
    smtp_server.inbox.refuse = False
    form = rendered_form(client.get(page_of(item)).content, form_id="svar_form")
    assert form["fields"]["text"].replace("\r\n", "\n").strip() == ANSWER
    response = client.post(form["action"], {**form["fields"], "then": "klar"})
    assert response.status_code == 302
    assert [m.recipients for m in smtp_server.inbox.messages] == [["skribent@example.se"]]
    assert list(SuggestionReply.objects.values_list("sent", flat=True)) == [False, True]
    item.refresh_from_db()
    assert item.status == "klar"
    again = rendered_form(client.get(page_of(item)).content, form_id="svar_form")
    assert again["fields"]["text"].strip() == "", "a sent answer is not offered again"


def test_pressing_send_twice_mails_the_writer_once(logged_in_coordinator, client, smtp_server):
    item = suggestion(email="skribent@example.se")
    form = rendered_form(client.get(page_of(item)).content, form_id="svar_form")
    data = {**form["fields"], "text": ANSWER, "then": "klar"}
    client.post(form["action"], data)
    second = client.post(form["action"], data, follow=True)
    assert second.status_code == 200 and "Det här svaret är redan skickat" in second.content.decode()
    assert len(smtp_server.inbox.messages) == 1 and SuggestionReply.objects.count() == 1
