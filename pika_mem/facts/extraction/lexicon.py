"""Category word lists, Vietnamese and English, and the lookup over them.

Entries are lower-case, NFC, separated by "|" so a list stays readable on few lines.
A term may sit in several categories; the first listed in LEXICON wins unless the
conversation (a question, a verb such as "ăn"/"play") points at another one.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache


def _terms(*chunks: str) -> tuple[str, ...]:
    out = []
    for chunk in chunks:
        for term in chunk.split("|"):
            term = unicodedata.normalize("NFC", " ".join(term.split()).lower())
            if term:
                out.append(term)
    return tuple(out)


FOOD = _terms(
    "pizza|pasta|spaghetti|noodles|rice|fried rice|bread|toast|sandwich|burger|hamburger|",
    "hot dog|hotdog|fries|french fries|chips|nuggets|chicken nuggets|chicken|fried chicken|beef|",
    "pork|bacon|sausage|ham|fish|shrimp|prawns|crab|egg|eggs|omelette|pancake|pancakes|waffle|",
    "waffles|cereal|oatmeal|soup|salad|sushi|dumplings|tacos|taco|burrito|mac and cheese|cheese|",
    "ice cream|gelato|cake|chocolate cake|cupcake|cupcakes|cookie|cookies|candy|sweets|chocolate|",
    "lollipop|donut|donuts|doughnut|muffin|pie|pudding|jelly|yogurt|yoghurt|popsicle|milk|",
    "milkshake|juice|orange juice|apple juice|lemonade|smoothie|water|tea|cocoa|hot chocolate|",
    "apple|apples|banana|bananas|orange|oranges|grapes|grape|strawberry|strawberries|mango|mangoes|",
    "watermelon|pineapple|peach|pear|cherry|cherries|blueberries|blueberry|kiwi|lemon|coconut|",
    "avocado|fruit|fruits|vegetables|veggies|broccoli|carrot|carrots|peas|corn|potato|potatoes|",
    "tomato|tomatoes|spinach|lettuce|cucumber|onion|onions|mushrooms|mushroom|beans|cabbage|",
    "pumpkin|peanut butter|peanuts|nuts|honey|jam|popcorn|pretzels|crackers|meatballs|steak|",
    "ramen|pho|banh mi|spring rolls|seaweed|tofu|curry|lasagna|pizza rolls|",
    "phở|phở bò|phở gà|bún|bún chả|bún bò|bún bò huế|bún riêu|bún đậu|bánh mì|bánh bao|",
    "bánh cuốn|bánh xèo|bánh chưng|bánh tét|bánh flan|bánh kem|bánh ngọt|bánh quy|bánh|bánh giò|",
    "bánh pía|bánh trung thu|bánh gạo|bánh tráng|bánh tráng trộn|cơm|cơm tấm|cơm chiên|",
    "cơm rang|cháo|xôi|xôi gà|mì|mì tôm|mì xào|mì ý|miến|hủ tiếu|hủ tíu|gỏi cuốn|nem|nem rán|",
    "chả giò|chả|giò|thịt|thịt bò|thịt gà|thịt lợn|thịt heo|thịt kho|thịt nướng|sườn|sườn xào|",
    "gà rán|gà|vịt quay|cá|cá kho|cá rán|tôm|cua|mực|trứng|trứng rán|trứng chiên|trứng luộc|",
    "đậu|đậu phụ|đậu hũ|đậu phộng|lạc|canh|canh chua|súp|lẩu|kem|kem dâu|kem socola|",
    "kem sô cô la|kem vani|sô cô la|socola|kẹo|kẹo mút|kẹo dẻo|bim bim|snack|sữa|sữa chua|",
    "sữa tươi|nước cam|nước ép|trà sữa|nước ngọt|sinh tố|chè|thạch|rau|rau muống|rau cải|cải|",
    "bắp cải|súp lơ|bông cải|cà rốt|cà chua|dưa chuột|dưa leo|khoai tây|khoai tây chiên|",
    "khoai lang|bí đỏ|bí|ngô|bắp|nấm|hành|mướp đắng|khổ qua|quả|trái cây|hoa quả|táo|chuối|",
    "cam|quýt|nho|dâu|dâu tây|xoài|dưa hấu|dứa|thơm|lê|đào|vải|nhãn|chôm chôm|măng cụt|",
    "sầu riêng|bơ|ổi|mít|thanh long|chanh|dừa|na|mận|hồng xiêm|sushi|pizza|hamburger|gà rán|",
    "xúc xích|lạp xưởng|chả cá|bò bía|bột chiên|bánh bột lọc|há cảo|sủi cảo|pate|mứt|",
    "bún cá|bún thịt nướng|cơm gà|cơm sườn|cháo gà|gỏi|nộm|đồ ăn|đồ ăn vặt|hải sản|đồ cay|",
    "fish and chips|food|spicy food|junk food|fast food|seafood|snacks|dessert|desserts|vegetable|fruit salad")
ANIMAL = _terms(
    "dog|dogs|puppy|puppies|cat|cats|kitten|kittens|bunny|bunnies|rabbit|rabbits|hamster|",
    "hamsters|guinea pig|goldfish|fish|turtle|turtles|tortoise|parrot|bird|birds|horse|horses|",
    "pony|ponies|cow|cows|pig|pigs|sheep|goat|chicken|chickens|duck|ducks|mouse|mice|rat|frog|",
    "frogs|snake|snakes|lizard|lion|lions|tiger|tigers|elephant|elephants|giraffe|giraffes|",
    "zebra|zebras|monkey|monkeys|gorilla|panda|pandas|koala|kangaroo|bear|bears|polar bear|",
    "penguin|penguins|dolphin|dolphins|whale|whales|shark|sharks|octopus|jellyfish|starfish|",
    "seal|otter|fox|wolf|wolves|deer|owl|owls|eagle|butterfly|butterflies|bee|bees|ant|ants|",
    "spider|spiders|bug|bugs|insects|cockroach|cockroaches|mosquito|mosquitoes|worm|worms|",
    "dinosaur|dinosaurs|t-rex|unicorn|unicorns|dragon|dragons|crocodile|alligator|hippo|",
    "rhino|camel|squirrel|hedgehog|sloth|flamingo|peacock|ladybug|snail|crab|hamster|",
    "chó|chó con|cún|cún con|mèo|mèo con|thỏ|chuột|chuột hamster|hamster|cá|cá vàng|cá bảy màu|",
    "rùa|chim|vẹt|gà|vịt|ngan|ngỗng|lợn|heo|bò|trâu|dê|cừu|ngựa|lừa|voi|hổ|cọp|sư tử|",
    "gấu|gấu trúc|gấu bắc cực|khỉ|hươu|nai|hươu cao cổ|ngựa vằn|cáo|sói|chó sói|hà mã|",
    "tê giác|cá sấu|lạc đà|kangaroo|chuột túi|gấu túi|chim cánh cụt|cá heo|cá voi|cá mập|",
    "bạch tuộc|sứa|sao biển|cua|tôm|rắn|thằn lằn|ếch|cóc|nhện|gián|muỗi|kiến|ong|bướm|",
    "chuồn chuồn|sâu|giun|ốc sên|khủng long|kỳ lân|rồng|cú|cú mèo|đại bàng|công|hồng hạc|",
    "sóc|nhím|chuột lang|dơi|gà con|vịt con|heo con|cá koi|thú cưng|con vật|động vật")
COLOR = _terms(
    "red|blue|green|yellow|pink|purple|orange|black|white|brown|gray|grey|gold|silver|",
    "rainbow|violet|turquoise|teal|light blue|dark blue|sky blue|navy|lime|magenta|beige|",
    "rainbow colors|màu đỏ|màu xanh|màu xanh dương|màu xanh lá|màu xanh lá cây|",
    "màu xanh da trời|màu xanh nước biển|màu vàng|màu hồng|màu tím|màu cam|màu đen|",
    "màu trắng|màu nâu|màu xám|màu bạc|màu cầu vồng|màu be|đỏ|xanh|xanh dương|xanh lá|",
    "xanh lá cây|xanh da trời|vàng|hồng|tím|cam|đen|trắng|nâu|xám|hồng phấn|tím than")
SPORT = _terms(
    "soccer|football|basketball|baseball|tennis|badminton|swimming|volleyball|table tennis|",
    "ping pong|karate|taekwondo|judo|kung fu|gymnastics|skating|ice skating|roller skating|",
    "skateboarding|skiing|running|cycling|hockey|golf|rugby|cricket|martial arts|boxing|",
    "softball|track|surfing|climbing|rock climbing|archery|fencing|wrestling|",
    "đá bóng|bóng đá|đá banh|bóng rổ|bơi|bơi lội|cầu lông|đá cầu|bóng chuyền|bóng bàn|",
    "võ|võ thuật|karate|taekwondo|vovinam|chạy bộ|trượt patin|trượt ván|trượt băng|",
    "thể dục dụng cụ|quần vợt|tennis|bóng chày|golf|đấu kiếm|bắn cung|thể thao")
SUBJECT = _terms(
    "math|maths|mathematics|science|english|spelling|art|music class|",
    "pe|gym|history|geography|spanish|french|chinese|vietnamese|computer|coding|ict|",
    "môn toán|toán|tiếng việt|tiếng anh|tiếng trung|tiếng nhật|khoa học|mĩ thuật|mỹ thuật|",
    "âm nhạc|thể dục|tin học|lịch sử|địa lý|đạo đức|tự nhiên và xã hội|môn vẽ|môn học")
TOY = _terms(
    "lego|legos|doll|dolls|barbie|teddy|teddy bear|stuffed animal|stuffed animals|plushie|",
    "plush|action figure|action figures|toy car|toy cars|cars|hot wheels|train set|blocks|",
    "building blocks|puzzle|puzzles|jigsaw|kite|yo-yo|yoyo|rubik|rubik's cube|slime|play-doh|",
    "playdough|robot|robots|ball|balls|bike|bicycle|scooter|trampoline|dollhouse|beyblade|",
    "fidget spinner|pop it|squishy|squishies|nerf|nerf gun|water gun|toy|toys|",
    "búp bê|gấu bông|thú bông|ô tô đồ chơi|xe đồ chơi|xe ô tô|ô tô|xe|tàu hỏa|siêu xe|",
    "robot|rô bốt|người máy|bóng|quả bóng|diều|con diều|rubik|slime|xếp hình|bộ xếp hình|",
    "đồ xếp hình|con quay|bi|viên bi|đất nặn|xe đạp|xe trượt|súng nước|lego|đồ hàng|",
    "bộ đồ hàng|nhà búp bê|pop it|siêu nhân|mô hình|đồ chơi")
MOVIE = _terms(
    "frozen|frozen 2|moana|moana 2|toy story|cars|the lion king|lion king|coco|encanto|",
    "zootopia|finding nemo|finding dory|minions|despicable me|kung fu panda|shrek|paw patrol|",
    "peppa pig|bluey|masha and the bear|tom and jerry|pokemon|pokémon|cocomelon|larva|",
    "inside out|inside out 2|elemental|turning red|luca|up|wall-e|ratatouille|cinderella|",
    "aladdin|mulan|tangled|the little mermaid|little mermaid|sonic|super mario bros|",
    "the super mario bros movie|ninja turtles|transformers|trolls|sing|madagascar|ice age|",
    "boss baby|the boss baby|pororo|the incredibles|incredibles|monsters inc|big hero 6|wish|",
    "octonauts|pj masks|super wings|robocar poli|my little pony|thomas and friends|",
    "spongebob|sofia the first|doc mcstuffins|mickey mouse clubhouse|bluey|spirit|",
    "how to train your dragon|the jungle book|jungle book|dumbo|bambi|pinocchio|snow white|",
    "beauty and the beast|the secret life of pets|hotel transylvania|the smurfs|smurfs|",
    "doraemon|thám tử lừng danh conan|conan|shin cậu bé bút chì|shin|7 viên ngọc rồng|",
    "bảy viên ngọc rồng|dragon ball|one piece|naruto|masha và bạn gấu|masha và chú gấu|",
    "tom và jerry|nữ hoàng băng giá|vua sư tử|đi tìm nemo|câu chuyện đồ chơi|gia đình peppa|",
    "heo peppa|chú heo peppa|những chú chó cứu hộ|đội chó cứu hộ|thủy thủ mặt trăng|",
    "totoro|my neighbor totoro|spirited away|hoạt hình|phim hoạt hình|cartoons|cartoon")
CHARACTER = _terms(
    "elsa|anna|olaf|maui|nobita|xuka|shizuka|chaien|jaian|gian|xeko|suneo|dekhi|dekisugi|",
    "mickey|mickey mouse|minnie|minnie mouse|donald duck|goofy|pikachu|ash|spider-man|",
    "spiderman|spider man|người nhện|batman|người dơi|superman|siêu nhân|iron man|",
    "người sắt|hulk|captain america|thor|black panther|wonder woman|woody|buzz lightyear|",
    "buzz|lightning mcqueen|mcqueen|simba|nemo|dory|stitch|pooh|winnie the pooh|peppa|",
    "george|bingo|chase|marshall|skye|rubble|mario|luigi|princess peach|bowser|yoshi|",
    "tôn ngộ không|ngộ không|thánh gióng|sơn tùng|thạch sanh|tấm|songoku|goku|son goku|",
    "ariel|rapunzel|belle|jasmine|ladybug|cat noir|sailor moon|kuromi|my melody|",
    "hello kitty|shrek|po|gru|barbie|ultraman|siêu nhân điện quang|siêu nhân gao|elsa anna|",
    "công chúa elsa|công chúa anna|công chúa|princess|princesses|superhero|superheroes|",
    "siêu anh hùng|sonic|tails|kirby|bluey|masha|shin|conan|naruto|luffy|",
    "spongebob|patrick|moana|mulan|cinderella|snow white|bạch tuyết|lọ lem|nàng tiên cá|",
    "the hulk|hulk|venom|harley quinn|minion|minions|totoro|doraemon|dory")
BOOK = _terms(
    "harry potter|dế mèn phiêu lưu ký|thần đồng đất việt|percy jackson|",
    "diary of a wimpy kid|dog man|magic tree house|charlotte's web|matilda|",
    "the very hungry caterpillar|goosebumps|pete the cat|geronimo stilton|",
    "where the wild things are|green eggs and ham|the cat in the hat|dr. seuss|dr seuss|",
    "captain underpants|the gruffalo|gruffalo|winnie the pooh|narnia|",
    "comics|comic books|comic|picture books|truyện tranh|truyện cổ tích|cổ tích|sách|",
    "truyện|nhóc nicolas|hoàng tử bé|kính vạn hoa|nghìn lẻ một đêm|truyện ngụ ngôn|",
    "fairy tales|fairy tale|books|storybooks|the little prince|",
    "alice in wonderland|peter pan|the jungle book")
GAME = _terms(
    "minecraft|roblox|fortnite|among us|pokemon go|mario kart|animal crossing|zelda|tetris|",
    "candy crush|angry birds|subway surfers|plants vs zombies|fall guys|uno|chess|checkers|",
    "monopoly|hide and seek|hide-and-seek|tag|video games|video game|board games|",
    "board game|card games|cards|pokemon cards|super mario|mario|super mario odyssey|",
    "splatoon|kirby|sonic|geometry dash|stumble guys|brawl stars|clash royale|",
    "cờ vua|cờ tướng|cờ caro|cờ cá ngựa|ô ăn quan|trốn tìm|đuổi bắt|bịt mắt bắt dê|",
    "nhảy dây|nhảy lò cò|kéo co|rồng rắn lên mây|mèo đuổi chuột|oẳn tù tì|liên quân|",
    "free fire|play together|trò chơi điện tử|điện tử|game|games|cá ngựa")
MUSIC = _terms(
    "let it go|baby shark|twinkle twinkle little star|twinkle twinkle|wheels on the bus|",
    "old macdonald|old macdonald had a farm|happy birthday|jingle bells|abc song|",
    "head shoulders knees and toes|if you're happy and you know it|the itsy bitsy spider|",
    "bts|blackpink|taylor swift|k-pop|kpop|pop|rap|rock|music|songs|singing songs|",
    "piano|guitar|violin|drums|ukulele|flute|recorder|",
    "bống bống bang bang|cả nhà thương nhau|con cò bé bé|chú ếch con|em yêu trường em|",
    "một con vịt|rửa mặt như mèo|cháu yêu bà|bà ơi bà|ba ngọn nến lung linh|",
    "tết tết tết tết đến rồi|ngày tết quê em|chị ong nâu và em bé|con heo đất|",
    "cá vàng bơi|bé bé bằng bông|lý cây xanh|trống cơm|sơn tùng|sơn tùng m-tp|",
    "nhạc|nhạc thiếu nhi|âm nhạc|bài hát|đàn|đàn piano|đàn guitar|đàn ghi-ta|ghi-ta|",
    "đàn organ|trống|sáo|vi-ô-lông|kèn")
ACTIVITY = _terms(
    "dancing|drawing|painting|singing|reading|coloring|colouring|cooking|baking|",
    "crafts|arts and crafts|gardening|camping|fishing|hiking|jumping|playing outside|",
    "riding my bike|riding bikes|bike riding|building|building things|sandcastles|",
    "building sandcastles|going to the beach|going to the park|watching tv|watching cartoons|",
    "playing games|sleeping|napping|homework|writing|jumping rope|skipping|origami|",
    "teacups|roller coaster|roller coasters|carousel|merry-go-round|slides|swings|",
    "ballet|karaoke|lego building|ferris wheel|bumper cars|water slides|trampolining|puzzles|magic tricks|science experiments|",
    "vẽ|vẽ tranh|tô màu|hát|ca hát|múa|nhảy|nhảy múa|nấu ăn|làm bánh|đọc sách|đọc truyện|",
    "xem tivi|xem ti vi|xem hoạt hình|đi biển|đi bơi|đi chơi|đi công viên|đi sở thú|",
    "xây lâu đài cát|lâu đài cát|trồng cây|tưới cây|câu cá|đạp xe|cắm trại|leo núi|",
    "chơi đồ hàng|nặn đất|gấp giấy|xếp hình|thả diều|đu quay|tàu lượn|cầu trượt|xích đu|",
    "bập bênh|làm bài tập|bài tập|bài tập về nhà|học bài|đi học|ngủ|ngủ trưa|tắm|",
    "đi dạo|dã ngoại|đi siêu thị|chơi ngoài trời|chơi cát|nghịch cát|làm thủ công|ảo thuật")
PLACE = _terms(
    "park|zoo|beach|playground|library|museum|aquarium|pool|swimming pool|",
    "grandma's house|grandpa's house|mall|farm|water park|amusement park|theme park|",
    "the park|the zoo|the beach|the library|the playground|the pool|",
    "công viên|sở thú|vườn thú|thảo cầm viên|bãi biển|biển|nhà bà|nhà ông bà|nhà bà nội|",
    "nhà bà ngoại|quê|quê nội|quê ngoại|khu vui chơi|hồ bơi|bể bơi|thư viện|bảo tàng|",
    "siêu thị|trung tâm thương mại|nông trại|thủy cung|công viên nước|rạp chiếu phim")
TRAVEL = _terms(
    "đà nẵng|hà nội|sài gòn|thành phố hồ chí minh|tp hcm|huế|hội an|nha trang|phú quốc|",
    "đà lạt|vũng tàu|hạ long|vịnh hạ long|sa pa|sapa|quy nhơn|cần thơ|phan thiết|mũi né|",
    "côn đảo|hải phòng|ninh bình|bà nà|bà nà hills|vinpearl|vinwonders|sun world|",
    "disneyland|disney world|disneyworld|legoland|universal studios|japan|nhật|nhật bản|",
    "hàn quốc|korea|thái lan|thailand|singapore|paris|london|new york|hawaii|florida|",
    "mỹ|america|úc|australia|trung quốc|china|france|pháp|anh|england|bangkok|tokyo|",
    "seoul|hanoi|saigon|ho chi minh city|da nang|hoi an|nha trang|phu quoc|dalat|",
    "hong kong|hồng kông|malaysia|bali|canada|mexico|italy|spain|germany|đức|ý|",
    "california|orlando|las vegas|dubai|taiwan|đài loan|châu âu|europe")

# Order matters: the first category holding a term is its default reading.
LEXICON: dict[str, tuple[str, ...]] = {
    "color": COLOR, "food": FOOD, "sport": SPORT, "subject": SUBJECT, "music": MUSIC,
    "movie": MOVIE, "character": CHARACTER, "book": BOOK, "game": GAME, "toy": TOY,
    "animal": ANIMAL, "activity": ACTIVITY, "place": PLACE, "travel": TRAVEL,
}

PROFESSIONS = _terms(
    "doctor|astronaut|teacher|firefighter|fireman|police officer|policeman|pilot|scientist|vet|",
    "veterinarian|chef|cook|singer|dancer|artist|painter|engineer|footballer|soccer player|",
    "basketball player|nurse|farmer|writer|actor|actress|youtuber|builder|dentist|zookeeper|",
    "baker|princess|superhero|ballerina|inventor|programmer|architect|president|",
    "bác sĩ|phi hành gia|giáo viên|cô giáo|thầy giáo|lính cứu hỏa|công an|cảnh sát|phi công|",
    "nhà khoa học|bác sĩ thú y|đầu bếp|ca sĩ|vũ công|họa sĩ|kỹ sư|kĩ sư|cầu thủ|cầu thủ bóng đá|",
    "y tá|nông dân|nhà văn|diễn viên|bộ đội|công chúa|siêu nhân|youtuber|thợ làm bánh|kiến trúc sư|",
    "lập trình viên|nha sĩ|người mẫu|nhà thám hiểm")
FAMILY = _terms(
    "em gái|em trai|anh trai|chị gái|anh|chị|em|em bé|anh hai|chị hai|bố|mẹ|ba|má|cha|",
    "ông|bà|ông nội|bà nội|ông ngoại|bà ngoại|cô|chú|dì|cậu|bác|anh họ|chị họ|em họ|",
    "brother|sister|little brother|little sister|big brother|big sister|baby brother|",
    "baby sister|older brother|older sister|younger brother|younger sister|twin brother|",
    "twin sister|mom|mum|mommy|dad|daddy|grandma|grandpa|granny|cousin|aunt|uncle|",
    "baby|twin|stepbrother|stepsister")


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for category, terms in LEXICON.items():
        for term in terms:
            cats = index.setdefault(term, [])
            if category not in cats:
                cats.append(category)
    return {term: tuple(cats) for term, cats in index.items()}


def is_profession(obj: str) -> bool:
    low = " ".join(obj.lower().split())
    return any(low == p or low.endswith(" " + p) for p in PROFESSIONS)


def categories_of(term: str) -> tuple[str, ...]:
    """Categories of an exact (lower-case) term, best first; () when unknown."""
    return _index().get(term, ())


MAX_TERM_WORDS = max(len(t.split()) for t in _index())
