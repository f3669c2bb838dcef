"""A labelled set for name matching across scripts: fictional people, as a registry holds them, and
the forms in which lists name them (Latin spelling variants, Cyrillic, Hebrew, Arabic, word order,
hyphenated and compound surnames), with look-alike distractors and people not in the registry.

Every person is invented. Each registry entry: (key, Latin full name, sex, date of birth,
citizenships, forms a list may use). A row names a form and, where known, the date of birth the
list gave; `truth` is the registry key of the person meant, or None.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    sex: str
    dob: str
    citizenships: tuple[str, ...]
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    name: str
    dob: str | None
    sex: str | None
    truth: str | None


REGISTRY = [
    # Russian-Israeli dual citizens: Latin, Cyrillic, Hebrew, and the common romanisations.
    Person(
        "orlovsky",
        "Dmitri Orlovsky",
        "male",
        "1981-03-14",
        ("IL", "RU"),
        ("Дмитрий Орловский", "דמיטרי אורלובסקי", "Dmitriy Orlovskiy", "Dmitry Orlovskii", "Orlovsky Dmitri"),
    ),
    Person(
        "gromova",
        "Yelena Gromova",
        "female",
        "1986-07-02",
        ("IL", "RU"),
        ("Елена Громова", "ילנה גרומובה", "Elena Gromova", "Jelena Gromowa", "Gromova Yelena"),
    ),
    Person(
        "gromov",
        "Ilya Gromov",
        "male",
        "1984-11-23",
        ("IL", "RU"),
        ("Илья Громов", "איליה גרומוב", "Ilia Gromov", "Ilja Gromoff", "Gromov Ilya"),
    ),
    Person(
        "grinberg",
        "Aleksandr Grinberg",
        "male",
        "1979-01-30",
        ("IL", "RU"),
        ("Александр Гринберг", "אלכסנדר גרינברג", "Alexander Grinberg", "Alexandre Greenberg", "Oleksandr Hrinberh"),
    ),
    Person(
        "zaretskaya",
        "Svetlana Zaretskaya",
        "female",
        "1990-05-19",
        ("IL", "RU"),
        ("Светлана Зарецкая", "סבטלנה זרצקיה", "Svetlana Zaretskaia", "Swetlana Zarezkaja", "Zaretskaya Svetlana"),
    ),
    Person(
        "voronin",
        "Andrei Voronin",
        "male",
        "1975-09-08",
        ("IL", "RU"),
        ("Андрей Воронин", "אנדריי וורונין", "Andrey Voronin", "Andrej Woronin", "Voronin Andrei"),
    ),
    Person(
        "rybkin",
        "Mikhail Rybkin",
        "male",
        "1988-02-11",
        ("IL", "RU"),
        ("Михаил Рыбкин", "מיכאיל ריבקין", "Michail Rybkin", "Mikhael Ribkin", "Rybkin Mikhail"),
    ),
    Person(
        "krasnova",
        "Tatiana Krasnova",
        "female",
        "1992-12-01",
        ("IL", "RU"),
        ("Татьяна Краснова", "טטיאנה קרסנובה", "Tatyana Krasnova", "Tatjana Krasnowa", "Krasnova Tatiana"),
    ),
    Person(
        "shatalova",
        "Irina Shatalova",
        "female",
        "1983-04-27",
        ("IL", "RU"),
        ("Ирина Шаталова", "אירינה שטלובה", "Irina Schatalowa", "Iryna Shatalova", "Shatalova Irina"),
    ),
    Person(
        "lisovsky",
        "Yevgeny Lisovsky",
        "male",
        "1970-06-16",
        ("IL", "RU"),
        ("Евгений Лисовский", "יבגני ליסובסקי", "Evgenii Lisovskii", "Jewgeni Lissowski", "Lisovsky Yevgeny"),
    ),
    Person(
        "belozerov",
        "Pavel Belozerov",
        "male",
        "1977-10-05",
        ("IL", "RU"),
        ("Павел Белозёров", "פאבל בלוזרוב", "Pavel Belozyorov", "Pawel Belosjorow", "Belozerov Pavel"),
    ),
    Person(
        "tikhonova",
        "Anna Tikhonova",
        "female",
        "1995-08-21",
        ("IL", "RU"),
        ("Анна Тихонова", "אנה טיחונובה", "Anna Tichonova", "Ana Tikhonova", "Tikhonova Anna"),
    ),
    Person(
        "kuznetsov",
        "Sergei Kuznetsov",
        "male",
        "1968-03-03",
        ("IL", "RU"),
        ("Сергей Кузнецов", "סרגיי קוזנצוב", "Sergey Kuznetsov", "Sergej Kusnezow", "Kuznetsov Sergei"),
    ),
    Person(
        "orlik",
        "Natalia Orlik",
        "female",
        "1991-01-09",
        ("IL", "RU"),
        ("Наталья Орлик", "נטליה אורליק", "Natalya Orlik", "Natalja Orlik", "Orlik Natalia"),
    ),
    Person(
        "smirnova",
        "Olga Smirnova-Katz",
        "female",
        "1982-09-14",
        ("IL", "RU"),
        ("Ольга Смирнова-Кац", "אולגה סמירנובה-כץ", "Olga Smirnova Katz", "Olga Katz-Smirnova", "Olga Smirnowa-Kaz"),
    ),
    # Israelis: Hebrew and Latin transliterations (vowels unwritten in Hebrew).
    Person(
        "yaari",
        "Noa Ya'ari",
        "female",
        "1999-02-17",
        ("IL",),
        ("נועה יערי", "Noa Yaari", "Noah Jaari", "Ya'ari Noa", "Noa Yaary"),
    ),
    Person(
        "benami",
        "Dana Ben-Ami",
        "female",
        "1987-06-30",
        ("IL",),
        ("דנה בן עמי", "Dana Ben Ami", "Dana Benami", "Ben-Ami Dana", "Dana Ben-Amy"),
    ),
    Person(
        "tsur",
        "Shira Tsur",
        "female",
        "2001-11-11",
        ("IL",),
        ("שירה צור", "Shira Zur", "Shira Tzur", "Tsur Shira", "Sira Tsur"),
    ),
    Person(
        "sela",
        "Itay Sela",
        "male",
        "1996-04-04",
        ("IL",),
        ("איתי סלע", "Itai Sela", "Itay Selah", "Sela Itay", "Ittai Sela"),
    ),
    Person(
        "amitay",
        "Doron Amitay",
        "male",
        "1972-12-24",
        ("IL",),
        ("דורון אמיתי", "Doron Amitai", "Doron Amittai", "Amitay Doron", "Doron Amity"),
    ),
    Person(
        "cohen",
        "Yael Cohen",
        "female",
        "1994-03-28",
        ("IL",),
        ("יעל כהן", "Jael Cohen", "Yael Kohen", "Cohen Yael", "Yaël Cohen"),
    ),
    Person(
        "levi",
        "Avraham Levi",
        "male",
        "1958-07-07",
        ("IL",),
        ("אברהם לוי", "Abraham Levy", "Avram Levi", "Levi Avraham", "Avraham Lewi"),
    ),
    Person(
        "shaked",
        "Michal Shaked",
        "female",
        "1989-10-10",
        ("IL",),
        ("מיכל שקד", "Michal Shaqed", "Mikhal Shaked", "Shaked Michal", "Michal Schaked"),
    ),
    Person(
        "weisman",
        "Ronen Weisman",
        "male",
        "1980-05-05",
        ("IL",),
        ("רונן וייסמן", "Ronen Weissman", "Ronen Vaisman", "Weisman Ronen", "Ronen Wiseman"),
    ),
    Person(
        "shapiro",
        "Tamar Shapiro",
        "female",
        "1997-09-09",
        ("IL",),
        ("תמר שפירא", "Tamar Schapiro", "Tamar Shapira", "Shapiro Tamar", "Tammar Shapiro"),
    ),
    Person(
        "haddad",
        "Yosef Haddad",
        "male",
        "1966-01-19",
        ("IL",),
        ("יוסף חדד", "Yossef Hadad", "Joseph Haddad", "Haddad Yosef", "Yosef Chadad"),
    ),
    Person(
        "mizrahi",
        "Chaim Mizrahi",
        "male",
        "1963-08-15",
        ("IL",),
        ("חיים מזרחי", "Haim Mizrachi", "Hayim Mizrahi", "Mizrahi Chaim", "Chayim Mizrahi"),
    ),
    Person(
        "peretz",
        "Rachel Peretz",
        "female",
        "1985-02-02",
        ("IL",),
        ("רחל פרץ", "Rahel Perez", "Rachel Perets", "Peretz Rachel", "Rakhel Peretz"),
    ),
    Person(
        "friedman",
        "Eliyahu Friedman",
        "male",
        "1976-11-30",
        ("IL",),
        ("אליהו פרידמן", "Eliahu Fridman", "Eliyahu Freedman", "Friedman Eliyahu", "Eliyau Friedmann"),
    ),
    Person(
        "ohana",
        "Moran Ohana",
        "female",
        "1993-06-12",
        ("IL",),
        ("מורן אוחנה", "Moran Ochana", "Moran Ohanna", "Ohana Moran", "Morane Ohana"),
    ),
    # Arab citizens: Arabic and Latin transliterations.
    Person(
        "abdallah",
        "Mohammed Abdallah",
        "male",
        "1990-01-01",
        ("IL",),
        ("محمد عبد الله", "Muhammad Abdullah", "Mohamed Abd Allah", "Abdallah Mohammed", "Mohammad Abdalla"),
    ),
    Person(
        "khalil",
        "Fatima Khalil",
        "female",
        "1988-03-13",
        ("IL",),
        ("فاطمة خليل", "Fatma Halil", "Fatimah Khaleel", "Khalil Fatima", "Fatima Chalil"),
    ),
    Person(
        "nasser",
        "Ahmad Nasser",
        "male",
        "1979-07-17",
        ("IL",),
        ("أحمد ناصر", "Ahmed Nasir", "Ahmad Naser", "Nasser Ahmad", "Achmed Nasser"),
    ),
    Person(
        "saleh",
        "Yusuf Saleh",
        "male",
        "1983-09-29",
        ("IL",),
        ("يوسف صالح", "Youssef Salih", "Yousef Saleh", "Saleh Yusuf", "Jusuf Salah"),
    ),
    Person(
        "hussein",
        "Layla Hussein",
        "female",
        "1998-12-12",
        ("IL",),
        ("ليلى حسين", "Leila Husain", "Laila Hussain", "Hussein Layla", "Layla Husayn"),
    ),
    Person(
        "ziadne",
        "Hamza Ziadne",
        "male",
        "2005-05-25",
        ("IL",),
        ("حمزة زيادنة", "Hamza Ziyadneh", "Hamzah Ziadna", "Ziadne Hamza", "Hamsa Ziadne"),
    ),
    Person(
        "qasem",
        "Omar Qasem",
        "male",
        "1971-04-14",
        ("IL",),
        ("عمر قاسم", "Umar Kassem", "Omar Kasim", "Qasem Omar", "Omar Qassim"),
    ),
    # Others: Latin variants only.
    Person(
        "marchand",
        "Léa Marchand",
        "female",
        "1990-10-17",
        ("FR", "IL"),
        ("Lea Marchand", "LEA MARCHAND", "Marchand Léa", "Léa Marchant", "לאה מרשן"),
    ),
    Person(
        "mueller",
        "Jonas Müller",
        "male",
        "1985-05-15",
        ("DE", "IL"),
        ("Jonas Mueller", "Jonas Muller", "Müller Jonas", "Jonas Miller", "יונס מילר"),
    ),
    Person(
        "gonzalez",
        "Martín González Ruiz",
        "male",
        "1982-08-08",
        ("AR", "IL"),
        ("Martin Gonzalez Ruiz", "Martín González", "González Ruiz Martín", "Martin Gonzales", "מרטין גונזלס"),
    ),
]

# Look-alikes of registry people who are other people (a sister, a namesake a generation apart):
# the list means someone not in the registry, and no candidate should be labelled likely.
DISTRACTORS = [
    Row("Anna Gromova", "1990-01-15", "female", None),
    Row("Анна Громова", "1990-01-15", "female", None),
    Row("Elena Gromov", "1960-02-02", "male", None),
    Row("Ilya Gromova", "1984-11-23", "female", None),
    Row("Sergei Kuznetsova", "1968-03-03", "female", None),
    Row("Svetlana Zaretsky", "1990-05-19", "male", None),
    Row("Dmitri Orlov", "1981-03-14", "male", None),
    Row("Дмитрий Орлов", None, "male", None),
    Row("Andrei Voronov", "1975-09-08", "male", None),
    Row("Mikhail Rybakov", None, "male", None),
    Row("Tatiana Krasnov", "1950-01-01", "male", None),
    Row("Irina Shatalov", None, "male", None),
    Row("Pavel Belov", None, "male", None),
    Row("Anna Tikhonov", "1940-01-01", "male", None),
    Row("Natalia Orlova", None, "female", None),
    Row("Olga Smirnova", "1955-01-01", "female", None),
    Row("Noa Yaron", None, "female", None),
    Row("Dana Ben-David", "1987-06-30", "female", None),
    Row("Shira Tsuri", "2010-01-01", "female", None),
    Row("Itay Segal", "1996-04-04", "male", None),
    Row("Doron Amit", None, "male", None),
    Row("Yael Cohen-Levi", "1960-01-01", "female", None),
    Row("Avraham Levin", None, "male", None),
    Row("Michal Shaked", "1950-03-03", "female", None),
    Row("Ronen Weiss", None, "male", None),
    Row("Tamar Shapir", "2015-01-01", "female", None),
    Row("Yosef Hadid", None, "male", None),
    Row("Chaim Mizrahi", "1920-01-01", "male", None),
    Row("Rachel Peres", "1930-05-05", "female", None),
    Row("Mohammed Abdelaziz", None, "male", None),
    Row("Fatima Khalili", None, "female", None),
    Row("Ahmad Nassar", "1950-01-01", "male", None),
    Row("Yusuf Salem", None, "male", None),
    Row("Layla Hassan", None, "female", None),
    Row("Omar Qasim", "2001-01-01", "male", None),
    Row("Jonas Möller", "1960-01-01", "male", None),
]

# People in no registry at all, in every script.
STRANGERS = [
    Row(name, None, None, None)
    for name in (
        "Viktor Pelevin",
        "Виктор Пелевин",
        "Marina Tsvetaeva",
        "Марина Цветаева",
        "Boris Sokolov",
        "Борис Соколов",
        "Gleb Nosov",
        "Глеб Носов",
        "Oksana Marchenko",
        "Оксана Марченко",
        "Uri Geller",
        "אורי גלר",
        "Noga Alon",
        "נוגה אלון",
        "Eyal Golan",
        "אייל גולן",
        "Hadas Kaplan",
        "הדס קפלן",
        "Omri Katz",
        "עמרי כץ",
        "Karim Mansour",
        "كريم منصور",
        "Rania Haddadin",
        "رانيا حدادين",
        "Tariq Aziz",
        "طارق عزيز",
        "Sami Awad",
        "سامي عوض",
        "Pierre Durand",
        "Hans Becker",
        "Lucía Fernández",
        "Emma Lindqvist",
        "Kenji Watanabe",
        "Priya Raman",
    )
]


def rows() -> list[Row]:
    """Every row of the set: each registry person under each form (every other one with its date of
    birth, as lists often lack it), the distractors and the strangers."""
    out = []
    for person in REGISTRY:
        for index, form in enumerate((person.name, *person.forms)):
            out.append(Row(form, person.dob if index % 2 == 0 else None, None, person.key))
    return out + DISTRACTORS + STRANGERS
