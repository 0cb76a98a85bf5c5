"""Factories for the foundation's models. Each app's own factories live in
tests/<app>/factories.py and build on these, so apps built in parallel never edit one file."""

import factory
from django.contrib.auth import get_user_model

from studygroups.library.models import Author, Topic
from studygroups.library.services import BlockInput, SectionInput, document_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Reader {n}")
    time_zone = "UTC"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def verified_user(**kwargs):
    """A user whose e-mail address allauth considers verified, so they can log in."""
    from allauth.account.models import EmailAddress

    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


_counter = iter(range(10**9))


def make_document(
    *,
    title: str | None = None,
    sections: int = 2,
    paragraphs: int = 3,
    words_per_paragraph: int = 40,
    **kwargs,
):
    """A document built through the library service, with `sections` headed sections of
    `paragraphs` paragraphs each. Paragraph texts are unique within the whole test run."""
    n = next(_counter)
    parts = []
    for s in range(sections):
        blocks = [
            BlockInput(
                text=f"Paragraph {p + 1} of section {s + 1} in document {n}. "
                + " ".join(f"word{n}x{s}x{p}x{w}" for w in range(max(words_per_paragraph - 8, 0)))
            )
            for p in range(paragraphs)
        ]
        parts.append(SectionInput(heading=f"Section {s + 1}", blocks=blocks))
    return document_create(title=title or f"Document {n}", sections=parts, **kwargs)
