"""Name matching across scripts, measured on the labelled set (tests/lists/matching_set.py)."""

from lists.matching import Person, best_candidates, person_match
from tests.lists.matching_set import REGISTRY, rows


def registry() -> dict[str, Person]:
    return {
        p.key: Person(names=(p.name, *p.forms[:0]), date_of_birth=p.dob, sex=p.sex, citizenships=p.citizenships)
        for p in REGISTRY
    }


def evaluate():
    people = registry()
    with_truth = top_right = likely = likely_right = 0
    misses = []
    for row in rows():
        ranked = best_candidates(Person(names=(row.name,), date_of_birth=row.dob, sex=row.sex), people, limit=1)
        key, match = ranked[0]
        if row.truth:
            with_truth += 1
            top_right += key == row.truth
            if key != row.truth:
                misses.append((row.name, row.truth, key, match.score))
        if match.label == "likely":
            likely += 1
            likely_right += key == row.truth
            if key != row.truth:
                misses.append((row.name, row.truth, key, match.score, "likely"))
    return with_truth, top_right, likely, likely_right, misses


def test_the_true_detainee_is_the_best_candidate_and_likely_is_right():
    with_truth, top_right, likely, likely_right, misses = evaluate()
    assert len(rows()) >= 300 and with_truth >= 200
    assert top_right / with_truth >= 0.95, (top_right, with_truth, misses)
    assert likely_right / likely >= 0.98, (likely_right, likely, misses)


def test_a_row_in_each_script_finds_its_person_with_the_reasons():
    people = registry()
    for name in ("Дмитрий Орловский", "דמיטרי אורלובסקי", "Dmitriy Orlovskiy", "Orlovsky Dmitri"):
        (key, match), *_ = best_candidates(Person(names=(name,), date_of_birth="1981-03-14"), people)
        assert key == "orlovsky" and match.label == "likely", (name, match)
        assert "date of birth equal" in match.reasons
    (key, match), *_ = best_candidates(Person(names=("محمد عبد الله",)), people)
    assert key == "abdallah" and match.label == "likely", match


def test_a_sister_or_a_different_birth_date_is_not_likely():
    people = registry()
    (key, match), *_ = best_candidates(Person(names=("Анна Громова",), sex="female"), people)
    assert match.label != "likely", (key, match)
    (key, match), *_ = best_candidates(Person(names=("Yelena Gromova",), date_of_birth="1950-01-01"), people)
    assert key == "gromova" and match.label != "likely" and "date of birth different" in match.reasons
    (key, match), *_ = best_candidates(Person(names=("Ilya Gromova",), sex="female"), people)
    assert match.label != "likely", (key, match)
    brother = person_match(Person(names=("Ilya Gromova",), sex="female"), people["gromov"])
    assert brother.label != "likely" and "sex different" in brother.reasons


def test_search_and_matching_read_names_through_the_same_keys():
    from cases.names import name_key, name_words

    for name in ("Aleksandr Grinberg", "Александр Гринберг", "Yelena Gromova"):
        assert name_words(name)[0] == name_key(name).split()
