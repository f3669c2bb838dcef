"""Invented names, each with the spellings it would arrive in (Latin, Cyrillic, Hebrew, Arabic).

Combinations are drawn at random; no entry stands for a real person.
A row is (Latin, alternative Latin spelling or "", Cyrillic or "", Hebrew or "", Arabic or "").
"""

Name = tuple[str, str, str, str, str]

HEBREW_FEMALE: list[Name] = [
    ("Noa", "", "", "נועה", ""),
    ("Maya", "Maia", "", "מאיה", ""),
    ("Tamar", "", "", "תמר", ""),
    ("Shira", "", "", "שירה", ""),
    ("Yael", "Jael", "", "יעל", ""),
    ("Michal", "", "", "מיכל", ""),
    ("Roni", "", "", "רוני", ""),
    ("Adi", "", "", "עדי", ""),
    ("Hila", "", "", "הילה", ""),
    ("Ayelet", "", "", "איילת", ""),
    ("Orit", "", "", "אורית", ""),
    ("Liora", "", "", "ליאורה", ""),
    ("Dana", "", "", "דנה", ""),
    ("Efrat", "Ephrat", "", "אפרת", ""),
]
HEBREW_MALE: list[Name] = [
    ("Itai", "Itay", "", "איתי", ""),
    ("Omer", "", "", "עומר", ""),
    ("Yonatan", "Jonathan", "", "יונתן", ""),
    ("Eitan", "Etan", "", "איתן", ""),
    ("Amit", "", "", "עמית", ""),
    ("Noam", "", "", "נועם", ""),
    ("Ido", "", "", "עידו", ""),
    ("Yosef", "Yossi", "", "יוסף", ""),
    ("Avi", "", "", "אבי", ""),
    ("Gilad", "", "", "גלעד", ""),
    ("Asaf", "Assaf", "", "אסף", ""),
    ("Doron", "", "", "דורון", ""),
    ("Tomer", "", "", "תומר", ""),
    ("Uri", "", "", "אורי", ""),
]
HEBREW_SURNAMES: list[Name] = [
    ("Ben-Ami", "Ben Ami", "", "בן עמי", ""),
    ("Shaked", "", "", "שקד", ""),
    ("Carmeli", "Karmeli", "", "כרמלי", ""),
    ("Dagan", "", "", "דגן", ""),
    ("Harel", "", "", "הראל", ""),
    ("Levanon", "", "", "לבנון", ""),
    ("Meiri", "", "", "מאירי", ""),
    ("Nahari", "", "", "נהרי", ""),
    ("Oren", "", "", "אורן", ""),
    ("Rimon", "Rimmon", "", "רימון", ""),
    ("Sela", "", "", "סלע", ""),
    ("Yaari", "Ya'ari", "", "יערי", ""),
    ("Zohar", "", "", "זוהר", ""),
    ("Gefen", "", "", "גפן", ""),
    ("Kedem", "", "", "קדם", ""),
    ("Amitai", "Amitay", "", "אמיתי", ""),
    ("Tzur", "Tsur", "", "צור", ""),
    ("Almog", "", "", "אלמוג", ""),
]

RUSSIAN_FEMALE: list[Name] = [
    ("Yelena", "Elena", "Елена", "ילנה", ""),
    ("Olga", "Olha", "Ольга", "אולגה", ""),
    ("Tatyana", "Tatiana", "Татьяна", "טטיאנה", ""),
    ("Irina", "Iryna", "Ирина", "אירינה", ""),
    ("Svetlana", "", "Светлана", "סבטלנה", ""),
    ("Natalya", "Natalia", "Наталья", "נטליה", ""),
    ("Anna", "", "Анна", "אנה", ""),
    ("Marina", "", "Марина", "מרינה", ""),
]
RUSSIAN_MALE: list[Name] = [
    ("Aleksandr", "Alexander", "Александр", "אלכסנדר", ""),
    ("Dmitry", "Dmitriy", "Дмитрий", "דמיטרי", ""),
    ("Sergey", "Sergei", "Сергей", "סרגיי", ""),
    ("Andrey", "Andrei", "Андрей", "אנדריי", ""),
    ("Mikhail", "Michail", "Михаил", "מיכאיל", ""),
    ("Yevgeny", "Evgeniy", "Евгений", "יבגני", ""),
    ("Vladimir", "Wladimir", "Владимир", "ולדימיר", ""),
    ("Roman", "", "Роман", "רומן", ""),
    ("Boris", "", "Борис", "בוריס", ""),
    ("Ilya", "Ilia", "Илья", "איליה", ""),
]
# Russian surnames have a male and a female form: (male, female).
RUSSIAN_SURNAMES: list[tuple[Name, Name]] = [
    (
        ("Lisovsky", "Lisovskiy", "Лисовский", "ליסובסקי", ""),
        ("Lisovskaya", "Lisovskaia", "Лисовская", "ליסובסקיה", ""),
    ),
    (
        ("Zaretsky", "Zaretskiy", "Зарецкий", "זרצקי", ""),
        ("Zaretskaya", "Zaretskaia", "Зарецкая", "זרצקיה", ""),
    ),
    (
        ("Belozerov", "Belozyorov", "Белозёров", "בלוזרוב", ""),
        ("Belozerova", "Belozyorova", "Белозёрова", "בלוזרובה", ""),
    ),
    (("Krasnov", "Krasnoff", "Краснов", "קרסנוב", ""), ("Krasnova", "", "Краснова", "קרסנובה", "")),
    (("Gromov", "", "Громов", "גרומוב", ""), ("Gromova", "", "Громова", "גרומובה", "")),
    (("Tikhonov", "Tichonov", "Тихонов", "טיכונוב", ""), ("Tikhonova", "Tichonova", "Тихонова", "טיכונובה", "")),
    (("Voronin", "", "Воронин", "וורונין", ""), ("Voronina", "", "Воронина", "וורונינה", "")),
    (("Shatalov", "Schatalow", "Шаталов", "שטלוב", ""), ("Shatalova", "Schatalowa", "Шаталова", "שטלובה", "")),
    (("Rybkin", "", "Рыбкин", "ריבקין", ""), ("Rybkina", "", "Рыбкина", "ריבקינה", "")),
    (("Orlik", "", "Орлик", "אורליק", ""), ("Orlik", "", "Орлик", "אורליק", "")),
]

ARABIC_FEMALE: list[Name] = [
    ("Aisha", "Aysha", "", "עאישה", "عائشة"),
    ("Fatima", "Fatma", "", "פאטמה", "فاطمة"),
    ("Layla", "Leila", "", "ליילה", "ليلى"),
    ("Amal", "", "", "אמל", "أمل"),
]
ARABIC_MALE: list[Name] = [
    ("Ahmad", "Ahmed", "", "אחמד", "أحمد"),
    ("Yusuf", "Youssef", "", "יוסף", "يوسف"),
    ("Khaled", "Khalid", "", "חאלד", "خالد"),
    ("Hamza", "", "", "חמזה", "حمزة"),
    ("Salim", "Saleem", "", "סלים", "سليم"),
]
ARABIC_SURNAMES: list[Name] = [
    ("Abu Rashed", "Abu Rashid", "", "אבו ראשד", "أبو راشد"),
    ("Al-Nasiri", "Alnasiri", "", "א-נאסרי", "الناصري"),
    ("Abu Saleh", "Abu Salih", "", "אבו סאלח", "أبو صالح"),
    ("Al-Hawari", "Elhawari", "", "אל-הווארי", "الهواري"),
]

ENGLISH_FEMALE: list[Name] = [
    ("Rachel", "", "", "רייצ'ל", ""),
    ("Sarah", "Sara", "", "שרה", ""),
    ("Emily", "", "", "אמילי", ""),
    ("Hannah", "Hanna", "", "חנה", ""),
    ("Charlotte", "", "", "שרלוט", ""),
]
ENGLISH_MALE: list[Name] = [
    ("Daniel", "", "", "דניאל", ""),
    ("Michael", "Micheal", "", "מייקל", ""),
    ("Jacob", "Jakob", "", "ג'ייקוב", ""),
    ("Ethan", "", "", "את'ן", ""),
    ("Oliver", "", "", "אוליבר", ""),
]
ENGLISH_SURNAMES: list[Name] = [
    ("Weissman", "Weisman", "", "וייסמן", ""),
    ("Feldstein", "", "", "פלדשטיין", ""),
    ("Rosenfeld", "Rozenfeld", "", "רוזנפלד", ""),
    ("Hartman", "Hartmann", "", "הרטמן", ""),
    ("Brenner", "", "", "ברנר", ""),
    ("Whitfield", "", "", "ויטפילד", ""),
]

EUROPEAN_FEMALE: list[Name] = [
    ("Lena", "", "", "לנה", ""),
    ("Miriam", "Mirjam", "", "מרים", ""),
    ("Camille", "", "", "קמיל", ""),
    ("Léa", "Lea", "", "לאה", ""),
    ("Sofía", "Sofia", "", "סופיה", ""),
    ("Valentina", "", "", "ולנטינה", ""),
]
EUROPEAN_MALE: list[Name] = [
    ("Jonas", "", "", "יונס", ""),
    ("Felix", "", "", "פליקס", ""),
    ("Julien", "", "", "ז'וליאן", ""),
    ("Mathieu", "Matthieu", "", "מתייה", ""),
    ("Mateo", "Matteo", "", "מטאו", ""),
    ("Tomás", "Tomas", "", "תומאס", ""),
]
EUROPEAN_SURNAMES: list[Name] = [
    ("Brandt", "Brand", "", "ברנדט", ""),
    ("Ehrlich", "Erlich", "", "ארליך", ""),
    ("Marchand", "", "", "מרשן", ""),
    ("Benhamou", "Ben Hamou", "", "בנאמו", ""),
    ("Szapiro", "Shapiro", "", "שפירו", ""),
    ("Lerner", "", "", "לרנר", ""),
]

THAI_GIVEN = ["Somchai", "Anan", "Prasert", "Wichai", "Boonmee", "Kittisak", "Sakda", "Chaiya", "Niran", "Thawat"]
THAI_SURNAMES = ["Saengthong", "Phromma", "Wongsuwan", "Kaewmanee", "Srisuk", "Boonrueang", "Chanthara", "Intharat"]
NEPALI_GIVEN = ["Bishal", "Prakash", "Anish", "Suman"]
NEPALI_SURNAMES = ["Adhikari", "Gurung", "Shrestha", "Karki"]

# Invented places, so that no record points at a real community.
PLACES = [
    "Kibbutz Ein Hadar",
    "Kibbutz Nahal Tamar",
    "Moshav Even Sapir",
    "Nir Shalem",
    "Kfar Rimon",
    "Festival grounds near Tel Ashan",
    "Sderot Ha'Emek",
    "Kibbutz Givat Oren",
]
