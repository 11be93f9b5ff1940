"""The paper's page keeps the history: who suggested it (a member, never the address) and the votes."""

from meetups.enums import SuggestionStatus


def test_paper_page_says_it_was_suggested_and_how_many_voted(
    client, admin_client, make_session, make_suggestion
):
    session = make_session(papers=1)
    entry = session.reading_list.get()
    suggestion = make_suggestion(paper=entry.paper, votes=3)  # and the suggester's
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.accepted_session = session
    suggestion.accepted_entry = entry
    suggestion.save()

    html = client.get(f"/papers/{entry.paper.pk}/").content.decode()
    assert "Suggested for" in html and "by a member on" in html
    assert "4 votes" in html and f'chosen for the <a href="{session.get_absolute_url()}">' in html
    assert "suggester@example.org" not in html and "voter0@example.org" not in html
    # The organizer sees who it was.
    assert (
        "suggester@example.org" in admin_client.get(f"/papers/{entry.paper.pk}/").content.decode()
    )


def test_a_withdrawn_or_rejected_history_is_not_told(client, make_session, make_suggestion):
    session = make_session(papers=1)
    paper = session.reading_list.get().paper
    make_suggestion(paper=paper, status=SuggestionStatus.REJECTED)
    assert "Suggested for" not in client.get(f"/papers/{paper.pk}/").content.decode()
