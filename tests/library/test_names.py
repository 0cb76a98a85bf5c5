"""Name forms: the same person across transliterations, translations and catalogue
forms is one key; different people with one surname are not."""

import pytest

from studygroups.library.names import GIVEN_NAMES, _fold, _spelling, person_key, same_person

# Families of one person's name as editions spell it (English, French, German, Spanish
# and scholarly transliterations, catalogue order, capitals, titles, patronymics).
SAME_PERSON = [
    ["Peter Kropotkin", "Petr Kropotkin", "Pyotr Kropotkin", "PETER KROPOTKIN",
     "kniaz' Petr Alekseevich Kropotkin", "Kropotkin, Peter", "Pierre Kropotkine",
     "Piotr Kropotkin", "Пётр Кропоткин"],
    ["Leo Tolstoy", "Lev Tolstoy", "Lev Tolstoi", "Léon Tolstoï", "Leo Tolstoj",
     "Lev Nikolayevich Tolstoy", "Лев Толстой", "Tolstoy, Leo"],
    ["Mikhail Bakunin", "Michael Bakunin", "Michel Bakounine", "Michail Bakunin",
     "Mijaíl Bakunin", "Михаил Бакунин"],
    ["Fyodor Dostoevsky", "Fyodor Dostoyevsky", "Fedor Dostoevskii", "Fjodor Dostojewski",
     "Feodor Dostoievsky", "Theodore Dostoevsky"],
    ["Leon Trotsky", "Lev Trotsky", "Léon Trotski", "Leo Trotzki"],
    ["Friedrich Engels", "Frederick Engels", "Federico Engels", "Frédéric Engels"],
    ["Karl Marx", "Carl Marx", "Carlos Marx", "Charles Marx"],
    ["Rosa Luxemburg", "Róża Luksemburg"],
    ["Vladimir Lenin", "Vladimir Ilyich Lenin", "Wladimir Lenin", "Vladimir Lénine",
     "Владимир Ленин"],
    ["Georgi Plekhanov", "Georgy Plekhanov", "George Plekhanoff", "Georges Plekhanov"],
    ["Nikolai Chernyshevsky", "Nikolay Chernyshevskii", "Nikolai Tschernyschewski"],
    ["Alexandra Kollontai", "Aleksandra Kollontay"],
    ["Grigory Zinoviev", "Grigori Zinovyev", "Gregory Zinoviev"],
    ["Baruch Spinoza", "Benedict Spinoza", "Benedictus de Spinoza"],
    ["Pierre-Joseph Proudhon", "Pierre Joseph Proudhon", "Proudhon, Pierre-Joseph"],
    ["Paul Le Blanc", "Paul LeBlanc"],
    ["Émile Zola", "EMILE ZOLA", "émile zola"],
]  # fmt: skip

# Different people who share a surname (or a name form that does not say who it is).
DIFFERENT = [
    ("Leo Tolstoy", "Alexei Tolstoy"),  # Aleksey N. Tolstoy, another writer
    ("Leo Tolstoy", "Sophia Tolstaya"),
    ("Peter Kropotkin", "Alexander Kropotkin"),  # his brother
    ("Karl Marx", "Eleanor Marx"),
    ("Karl Marx", "Jenny Marx"),
    ("Anna Freud", "Sigmund Freud"),
    ("Mary Shelley", "Percy Bysshe Shelley"),
    ("James Mill", "John Stuart Mill"),
    ("George W. Bush", "George Bush"),  # a middle initial is another person
    ("P. Kropotkin", "Peter Kropotkin"),  # an initial could be anyone's
    ("Lenin", "Vladimir Lenin"),  # a surname alone
    ("Paul Le Blanc", "Paul Blanc"),
    ("Daniel De Leon", "Daniel Leon"),
    ("Emma Goldman", "Emma Goldberg"),
    ("Jack London", "John London"),
    ("W 1", "W 2"),
    ("趋势2010", "其他2010"),
    ("大鱼儿", "牵牛"),
]


@pytest.mark.parametrize("forms", SAME_PERSON, ids=lambda forms: forms[0])
def test_every_form_of_one_name_has_one_key(forms):
    keys = {form: person_key(form) for form in forms}
    assert len(set(keys.values())) == 1, keys
    assert all(same_person(forms[0], form) for form in forms)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_people_with_one_surname_stay_distinct(a, b):
    assert person_key(a) != person_key(b)
    assert not same_person(a, b)


def test_families_are_distinct_from_each_other():
    """No two people of different families above share a key."""
    keys = [person_key(forms[0]) for forms in SAME_PERSON]
    assert len(set(keys)) == len(keys)


def test_no_spelling_of_a_given_name_falls_into_two_families():
    """The spelling rules never make forms of two different given names alike."""
    family_of: dict[str, str] = {}
    for line in GIVEN_NAMES:
        forms = line.split()
        for form in forms:
            spelled = _spelling(_fold(form))
            assert family_of.setdefault(spelled, forms[0]) == forms[0], (form, spelled)


def test_blank_names_have_no_key_and_are_nobody():
    assert person_key("") == person_key("  ") == person_key("—") == ""
    assert not same_person("", "")
