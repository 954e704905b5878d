"""Rule extractor: each construction in both languages, context, retraction, chatter."""

import pytest

from pika_mem.facts.extraction import extract_facts
from pika_mem.facts.model import normalize_object, CATEGORIES


def facts_of(*turns):
    """turns: "A: …" is an assistant turn, anything else a user turn."""
    msgs = [{"role": "assistant", "content": t[2:].strip()} if t.startswith("A:")
            else {"role": "user", "content": t} for t in turns]
    return extract_facts(msgs)


def keys(facts):
    return {(f.category, f.predicate, normalize_object(f.object), f.polarity) for f in facts}


CASES = [
    # --- English preferences
    (["I love dinosaurs!"], {("animal", "likes", "dinosaurs", "+")}),
    (["I really like cats and dogs."], {("animal", "likes", "cats", "+"), ("animal", "likes", "dogs", "+")}),
    (["My favourite food is spaghetti."], {("food", "favorite", "spaghetti", "+")}),
    (["Blue is my favorite color."], {("color", "favorite", "blue", "+")}),
    (["Unicorns are my favorite animals."], {("animal", "favorite", "unicorns", "+")}),
    (["Minecraft is the best game ever."], {("game", "favorite", "minecraft", "+")}),
    (["Pizza is the best!"], {("food", "favorite", "pizza", "+")}),
    (["I like Elsa the most."], {("character", "favorite", "elsa", "+")}),
    (["My favorite superhero is Spider-Man."], {("character", "favorite", "spider-man", "+")}),
    (["My favorite song is Baby Shark and my favorite movie is Cars."],
     {("music", "favorite", "baby shark", "+"), ("movie", "favorite", "cars", "+")}),
    (["I watched Frozen again! It's my favorite movie."], {("movie", "favorite", "frozen", "+")}),
    (["I hate tomatoes, they're slimy."], {("food", "dislikes", "tomatoes", "-")}),
    (["I can't stand spiders."], {("animal", "dislikes", "spiders", "-")}),
    (["I don't like homework though."], {("activity", "dislikes", "homework", "-")}),
    (["I like apples but I don't like bananas."],
     {("food", "likes", "apples", "+"), ("food", "dislikes", "bananas", "-")}),
    (["I'm a huge fan of Harry Potter."], {("book", "likes", "harry potter", "+")}),
    (["I love swimming and playing basketball."],
     {("sport", "likes", "swimming", "+"), ("sport", "likes", "basketball", "+")}),
    (["I enjoy painting."], {("activity", "likes", "painting", "+")}),
    (["I also play Minecraft every weekend."], {("game", "likes", "minecraft", "+")}),
    (["I like the color red."], {("color", "likes", "red", "+")}),
    (["I have a dog named Rex and two goldfish."], {("pet", "has", "dog", "+"), ("pet", "has", "goldfish", "+")}),
    (["I've got a hamster called Peanut."], {("pet", "has", "hamster", "+")}),
    (["I have a Spider-Man toy too."], {("toy", "has", "spider-man toy", "+")}),
    (["We went to Disneyland last summer!"], {("travel", "likes", "disneyland", "+")}),
    (["Tom and Jerry is my favourite cartoon."], {("movie", "favorite", "tom and jerry", "+")}),
    (["A: What's your favourite food?", "Fish and chips!"], {("food", "favorite", "fish and chips", "+")}),
    (["My favorite dinosaur is the T-Rex."], {("animal", "favorite", "t-rex", "+")}),
    (["My favorite color used to be pink but now it's purple."], {("color", "favorite", "purple", "+")}),
    (["We're going to Singapore next month!"], {("travel", "likes", "singapore", "+")}),
    (["We visited Grandma in Hue last week."], {("travel", "likes", "hue", "+")}),
    (["I'm in 3rd grade at Maple Leaf School."],
     {("grade", "grade", "grade 3", "+"), ("school", "school", "maple leaf school", "+")}),
    (["My little brother is allergic to cats."], set()),
    (["I don't really like reading, but I love comics."],
     {("activity", "dislikes", "reading", "-"), ("book", "likes", "comics", "+")}),
    # --- English profile
    (["My name is Emma and I'm six years old."], {("name", "name", "emma", "+"), ("age", "age", "6", "+")}),
    (["I'm 9 years old now! My birthday was on March 3."],
     {("age", "age", "9", "+"), ("birthday", "birthday", "march 3", "+")}),
    (["I'm in second grade."], {("grade", "grade", "grade 2", "+")}),
    (["I go to Riverside Elementary."], {("school", "school", "riverside elementary", "+")}),
    (["I live with my grandma in Da Nang."], {("lives_in", "lives_in", "da nang", "+")}),
    (["I'm allergic to eggs and milk."], {("allergy", "allergy", "eggs", "+"), ("allergy", "allergy", "milk", "+")}),
    (["I'm scared of the dark."], {("fear", "fear", "dark", "+")}),
    (["Thunderstorms make me scared."], {("fear", "fear", "thunderstorms", "+")}),
    (["I want to be an astronaut when I grow up."], {("dream", "dream", "astronaut", "+")}),
    (["I have a little sister named Rosie."], {("family", "family", "rosie", "+")}),
    (["I love playing soccer with my brother Tom."],
     {("sport", "likes", "soccer", "+"), ("family", "family", "tom", "+")}),
    (["My best friend is Chloe."], {("friend", "likes", "chloe", "+")}),
    # --- Vietnamese preferences
    (["Con thích ăn kem dâu nhất."], {("food", "favorite", "kem dâu", "+")}),
    (["Con không thích ăn rau muống đâu."], {("food", "dislikes", "rau muống", "-")}),
    (["Con ghét ăn hành."], {("food", "dislikes", "hành", "-")}),
    (["Con thích màu hồng nhất, và con thích chơi búp bê."],
     {("color", "favorite", "màu hồng", "+"), ("toy", "likes", "búp bê", "+")}),
    (["Màu yêu thích của con là màu vàng."], {("color", "favorite", "màu vàng", "+")}),
    (["Môn học con thích nhất là môn vẽ."], {("subject", "favorite", "môn vẽ", "+")}),
    (["Phở là món con thích nhất."], {("food", "favorite", "phở", "+")}),
    (["Con mê phim Doraemon lắm."], {("movie", "likes", "doraemon", "+")}),
    (["Con thích nghe bài Bống bống bang bang."], {("music", "likes", "bống bống bang bang", "+")}),
    (["Con thích đi biển và xây lâu đài cát."],
     {("activity", "likes", "đi biển", "+"), ("activity", "likes", "xây lâu đài cát", "+")}),
    (["Con thích con voi và con hươu cao cổ."],
     {("animal", "likes", "con voi", "+"), ("animal", "likes", "con hươu cao cổ", "+")}),
    (["Con khoái gà rán với khoai tây chiên."],
     {("food", "likes", "gà rán", "+"), ("food", "likes", "khoai tây chiên", "+")}),
    (["Con cũng thích chơi đá bóng với bố."], {("sport", "likes", "đá bóng", "+")}),
    (["Con hay chơi Roblox với anh hai."], {("game", "likes", "roblox", "+")}),
    (["Con có một con mèo tên là Mướp."], {("pet", "has", "mèo", "+")}),
    (["Nhà con nuôi hai con chó."], {("pet", "has", "chó", "+")}),
    (["Hè này nhà con đi Đà Nẵng chơi."], {("travel", "likes", "đà nẵng", "+")}),
    (["Con thích Tom và Jerry."], {("movie", "likes", "tom và jerry", "+")}),
    # --- Vietnamese profile
    (["Con tên là Bông, năm nay con 6 tuổi."], {("name", "name", "bông", "+"), ("age", "age", "6", "+")}),
    (["Con là Na, con ở Hà Nội."], {("name", "name", "na", "+"), ("lives_in", "lives_in", "hà nội", "+")}),
    (["Con năm nay bảy tuổi rồi."], {("age", "age", "7", "+")}),
    (["Con học lớp 1 trường Tiểu học Kim Đồng."],
     {("grade", "grade", "lớp 1", "+"), ("school", "school", "tiểu học kim đồng", "+")}),
    (["Trường con tên là Nguyễn Du."], {("school", "school", "nguyễn du", "+")}),
    (["Nhà con ở quận 7."], {("lives_in", "lives_in", "quận 7", "+")}),
    (["Mẹ bảo con bị dị ứng tôm."], {("allergy", "allergy", "tôm", "+")}),
    (["Con sợ con gián lắm."], {("fear", "fear", "con gián", "+")}),
    (["Con sợ nhất là con rắn."], {("fear", "fear", "con rắn", "+")}),
    (["Ước mơ của con là làm bác sĩ."], {("dream", "dream", "bác sĩ", "+")}),
    (["Lớn lên con muốn làm phi hành gia."], {("dream", "dream", "phi hành gia", "+")}),
    (["Con có em gái tên là Su."], {("family", "family", "su", "+")}),
    (["Em gái con tên là Na."], {("family", "family", "na", "+")}),
    (["Bạn thân của con là Minh."], {("friend", "likes", "minh", "+")}),
    (["Sinh nhật con là ngày 5 tháng 3."], {("birthday", "birthday", "5 tháng 3", "+")}),
    (["Con ghét mướp đắng lắm, đắng ơi là đắng."], {("food", "dislikes", "mướp đắng", "-")}),
    (["Con thích xem hoạt hình Masha và bạn Gấu."], {("movie", "likes", "masha và bạn gấu", "+")}),
    (["Con thích chơi xếp hình lego và đạp xe."],
     {("toy", "likes", "xếp hình lego", "+"), ("activity", "likes", "đạp xe", "+")}),
    (["Nhà con mới nuôi một chú chó con tên là Bơ."], {("pet", "has", "chó con", "+")}),
    (["Mẹ con bị dị ứng lông mèo."], set()),
    (["Con thích mặc váy công chúa."], {("activity", "likes", "mặc váy công chúa", "+")}),
    (["Con không thích Chaien vì bạn ấy hay bắt nạt Nobita."], {("character", "dislikes", "chaien", "-")}),
]


@pytest.mark.parametrize("turns,expected", CASES, ids=[c[0][-1][:40] for c in CASES])
def test_constructions(turns, expected):
    assert keys(facts_of(*turns)) == expected


CONTEXT_CASES = [
    (["A: What's your favourite colour?", "Pink!"], {("color", "favorite", "pink", "+")}),
    (["A: What do you like to eat then?", "Pizza! And I want to be an astronaut when I grow up."],
     {("food", "likes", "pizza", "+"), ("dream", "dream", "astronaut", "+")}),
    (["A: What was your favorite ride?", "The teacups. I also really like dancing."],
     {("activity", "favorite", "teacups", "+"), ("activity", "likes", "dancing", "+")}),
    (["A: What are you reading these days, Mia?", "Harry Potter! It's the best book ever."],
     {("book", "favorite", "harry potter", "+")}),
    (["A: How old are you?", "Seven!"], {("age", "age", "7", "+")}),
    (["A: Do you have any pets?", "Yes, a turtle."], {("pet", "has", "turtle", "+")}),
    (["A: Do you like broccoli?", "No, it's yucky."], {("food", "dislikes", "broccoli", "-")}),
    (["A: Con thích màu gì nhất?", "Màu hồng ạ."], {("color", "favorite", "màu hồng", "+")}),
    (["A: Vậy con thích rau gì?", "Con thích cà rốt."], {("food", "likes", "cà rốt", "+")}),
    (["A: Con thích nhân vật nào trong Doraemon?", "Con thích Nobita."], {("character", "likes", "nobita", "+")}),
    (["A: Vậy giờ con thích con gì?", "Con thích con thỏ."], {("animal", "likes", "con thỏ", "+")}),
    (["A: Con mấy tuổi rồi?", "Năm tuổi ạ."], {("age", "age", "5", "+")}),
    (["A: Con có thích ăn rau không?", "Dạ không ạ."], {("food", "dislikes", "rau", "-")}),
    (["A: Bạn thân của con tên gì?", "Dạ, bạn Hà ạ."], {("friend", "likes", "hà", "+")}),
    (["A: Con thích màu gì?", "Dạ màu cam với màu xanh dương ạ."],
     {("color", "likes", "màu cam", "+"), ("color", "likes", "màu xanh dương", "+")}),
    (["A: What's your favourite sport?", "Soccer, definitely."], {("sport", "favorite", "soccer", "+")}),
    (["I hate thunder, it's so loud.", "A: Are you scared of it?", "Yes, a little."],
     {("fear", "fear", "thunder", "+")}),
    (["A: Con có sợ chó không?", "Dạ có ạ."], {("fear", "fear", "chó", "+")}),
]


@pytest.mark.parametrize("turns,expected", CONTEXT_CASES, ids=[c[0][0][:40] for c in CONTEXT_CASES])
def test_assistant_question_gives_context(turns, expected):
    assert keys(facts_of(*turns)) == expected


def test_context_only_reaches_the_next_user_turn():
    facts = facts_of("A: What's your favourite colour?", "Hmm, let me think.", "Lemons")
    assert facts == []


@pytest.mark.parametrize("turns,retracted,new", [
    (["Con không còn thích con voi nữa, nó to quá."], "con voi", None),
    (["Con hết thích Elsa rồi."], "elsa", None),
    (["I don't like Frozen anymore."], "frozen", None),
    (["I used to love Paw Patrol but now I like Bluey."], "paw patrol", "bluey"),
    (["I used to like dinosaurs, but now unicorns."], "dinosaurs", "unicorns"),
    (["Hồi trước con thích màu đỏ nhưng giờ con thích màu xanh."], "màu đỏ", "màu xanh"),
])
def test_retraction(turns, retracted, new):
    facts = facts_of(*turns)
    gone = [f for f in facts if f.retracts]
    assert [normalize_object(f.object) for f in gone] == [retracted]
    assert gone[0].predicate == "dislikes" and gone[0].polarity == "-"
    liked = [normalize_object(f.object) for f in facts if not f.retracts]
    assert liked == ([new] if new else [])


def test_favourite_that_replaces_another_is_not_a_retraction():
    facts = facts_of("Giờ con thích màu tím nhất rồi, không phải màu hồng nữa.")
    assert keys(facts) == {("color", "favorite", "màu tím", "+")}


@pytest.mark.parametrize("text", [
    "Ừ.", "ok", "bye", "Hi PIKA!", "Thanks!", "Không ạ. Tạm biệt PIKA.", "Dạ.", "Con vui lắm!",
    "I'm tired.", "Do you like cats?", "Con có thích mèo không?", "I went to school today.",
    "I'm not scared of the dark anymore.", "Con không sợ chó.", "I love you PIKA!", "Con thích PIKA.",
    "That was fun!", "Let's play a game!", "My mom's email is [email] and you can call [phone].",
    "Số điện thoại của bố con là 0987654321.", "He can climb walls!", "It was amazing.",
    "Con thích chơi với em gái.", "I don't like it when my brother takes my toys.",
])
def test_chatter_produces_nothing(text):
    assert facts_of(text) == []


def test_assistant_and_system_turns_state_nothing():
    msgs = [{"role": "system", "content": "The child likes pizza."},
            {"role": "assistant", "content": "I love dinosaurs!"}]
    assert extract_facts(msgs) == []


def test_fact_shape():
    (f,) = facts_of("Con thích ăn phở bò.")
    assert (f.lang, f.text, f.importance, f.object) == ("vi", "Thích phở bò", 3, "phở bò")
    (g,) = facts_of("I'm allergic to peanuts.")
    assert (g.lang, g.text, g.importance, g.predicate) == ("en", "Allergic to peanuts", 5, "allergy")
    for fact in facts_of("My favorite superhero is Spider-Man.", "I'm scared of the dark."):
        assert fact.category in CATEGORIES and fact.importance == 4


def test_object_keeps_diacritics_in_nfc_and_drops_punctuation():
    decomposed = "Con thi\u0301ch co\u0302ng vie\u0302n nu\u031bo\u031b\u0301c!!!"
    (f,) = facts_of(decomposed)
    assert f.object == "công viên nước" and f.category == "place"


def test_same_fact_twice_is_kept_once_with_the_strongest_predicate():
    facts = facts_of("I like Frozen.", "Frozen is my favorite movie.", "I like Frozen.")
    assert keys(facts) == {("movie", "favorite", "frozen", "+")}


def test_pii_is_masked_before_extraction():
    facts = facts_of("My name is Leo and my email is leo@example.com, call 0912345678.")
    joined = " ".join(f.object + " " + f.text for f in facts)
    assert "leo@example.com" not in joined and "0912345678" not in joined
