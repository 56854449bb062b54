"""The words of the demo summaries: openers, closing remarks and what happened, per category, in
English, Russian and Kazakh, plus the scam wording planted in Kazakhstan.

A summary is `opener + what happened + "." + closing remark`; three short variants per category
and language keep summaries varied without a language model. The planted wording is invented:
the domain and the bonus campaign are fictional.
"""
from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "ru", "kk")

OPENERS = {
    "en": ("User reports", "Escalated:", "Reporter says", "Flagged by reviewer:"),
    "ru": ("Пользователь сообщает:", "Эскалация:", "Жалоба:", "По словам заявителя,"),
    "kk": ("Пайдаланушы хабарлайды:", "Эскалация:", "Шағым:", "Өтініш берушінің айтуынша,"),
}
CLOSINGS = {
    "en": ("Screenshots attached.", "Repeat offender.", "Several reports in one day.",
           "Needs a second look.", "Reporter asks for a quick response."),
    "ru": ("Скриншоты приложены.", "Повторное нарушение.", "Несколько жалоб за сутки.",
           "Требуется дополнительная проверка.", "Заявитель просит быстро отреагировать."),
    "kk": ("Скриншоттар қоса берілді.", "Қайталанған бұзушылық.", "Бір тәулікте бірнеше шағым түсті.",
           "Қосымша тексеру қажет.", "Өтініш беруші тез жауап күтеді."),
}

# category: {language: (three ways to say what happened)}
WHAT_HAPPENED: dict[str, dict[str, tuple[str, str, str]]] = {
    "spam": {
        "en": ("mass posting of identical promotional links", "bot accounts flooding comments with ads",
               "repeated unsolicited messages to many users"),
        "ru": ("массовая рассылка одинаковых рекламных ссылок", "бот-аккаунты заполняют комментарии рекламой",
               "повторяющиеся нежелательные сообщения многим пользователям"),
        "kk": ("бірдей жарнамалық сілтемелерді жаппай тарату", "бот-аккаунттар пікірлерді жарнамаға толтыруда",
               "көптеген пайдаланушыларға қайталанатын қажетсіз хабарламалар")},
    "scam": {
        "en": ("seller takes prepayment and disappears", "fake investment scheme promising guaranteed returns",
               "lottery win message asking for a fee"),
        "ru": ("продавец берёт предоплату и пропадает", "фальшивая инвестиционная схема с гарантированным доходом",
               "сообщение о выигрыше в лотерею с просьбой оплатить комиссию"),
        "kk": ("сатушы алдын ала төлем алып, жоғалып кетеді", "кепілдендірілген табыс уәде ететін жалған инвестициялық схема",
               "лотереядан ұтыс туралы хабарлама, комиссия төлеуді сұрайды")},
    "phishing": {
        "en": ("link to a fake bank login page", "message asking for an SMS verification code",
               "fake delivery notice collecting card details"),
        "ru": ("ссылка на поддельную страницу входа в банк", "сообщение с просьбой назвать код из SMS",
               "фальшивое уведомление о доставке для сбора данных карты"),
        "kk": ("банкке кірудің жалған бетіне сілтеме", "SMS-тегі кодты айтуды сұрайтын хабарлама",
               "карта деректерін жинайтын жалған жеткізу хабарламасы")},
    "impersonation": {
        "en": ("account impersonating a public official", "fake profile using a celebrity's photos",
               "page posing as a brand's support team"),
        "ru": ("аккаунт выдаёт себя за госслужащего", "фейковый профиль с фотографиями знаменитости",
               "страница выдаёт себя за службу поддержки бренда"),
        "kk": ("аккаунт өзін мемлекеттік қызметші ретінде көрсетеді", "атақты адамның суреттерін қолданатын жалған профиль",
               "бренд қолдау қызметінің атынан жүрген парақша")},
    "hate_speech": {
        "en": ("slurs targeting an ethnic group", "post calling for exclusion of a religious minority",
               "dehumanising comments about migrants"),
        "ru": ("оскорбления в адрес этнической группы", "пост с призывом исключить религиозное меньшинство",
               "унижающие комментарии о мигрантах"),
        "kk": ("этникалық топқа бағытталған қорлау сөздер", "діни азшылықты шеттетуге шақыратын жазба",
               "мигранттар туралы кемсітетін пікірлер")},
    "harassment": {
        "en": ("repeated threatening messages to a user", "coordinated pile-on in the comments",
               "mocking edited photos of a colleague"),
        "ru": ("повторяющиеся угрожающие сообщения пользователю", "скоординированная травля в комментариях",
               "оскорбительные отредактированные фото коллеги"),
        "kk": ("пайдаланушыға қайта-қайта келетін қорқыту хабарламалары", "пікірлердегі ұйымдасқан қудалау",
               "әріптесінің қорлайтын өңделген суреттері")},
    "violent_extremism": {
        "en": ("video praising a banned organisation", "recruitment post for an extremist group",
               "symbols of a designated terrorist group"),
        "ru": ("видео, восхваляющее запрещённую организацию", "пост о вербовке в экстремистскую группу",
               "символика признанной террористической группы"),
        "kk": ("тыйым салынған ұйымды мадақтайтын бейне", "экстремистік топқа адам тарту туралы жазба",
               "террористік деп танылған топтың рәміздері")},
    "child_safety": {
        "en": ("adult sending inappropriate messages to a minor", "account soliciting images from minors",
               "grooming behaviour reported by a parent"),
        "ru": ("взрослый отправляет неприемлемые сообщения несовершеннолетнему",
               "аккаунт запрашивает изображения у несовершеннолетних", "родитель сообщает о груминге"),
        "kk": ("ересек адам кәмелетке толмағанға орынсыз хабарлама жібереді",
               "аккаунт кәмелетке толмағандардан сурет сұрайды", "ата-ана груминг туралы хабарлады")},
    "self_harm": {
        "en": ("post expressing intent to self-harm", "group sharing self-harm methods",
               "livestream with a user in distress"),
        "ru": ("пост о намерении причинить себе вред", "группа распространяет способы самоповреждения",
               "прямой эфир с пользователем в кризисе"),
        "kk": ("өзіне зиян келтіру ниеті айтылған жазба", "өзіне зиян келтіру тәсілдерін таратып жатқан топ",
               "күйзеліске түскен пайдаланушының тікелей эфирі")},
    "adult_content": {
        "en": ("explicit images posted in a public group", "adult services advertised in comments",
               "intimate images shared without consent"),
        "ru": ("откровенные изображения в открытой группе", "реклама интим-услуг в комментариях",
               "интимные фото опубликованы без согласия"),
        "kk": ("ашық топта әдепсіз суреттер жарияланған", "пікірлерде ересектерге арналған қызметтер жарнамаланады",
               "жеке суреттер келісімсіз жарияланған")},
    "misinformation": {
        "en": ("false claim about voting dates", "fabricated health advice spreading quickly",
               "doctored video of a public figure"),
        "ru": ("ложное утверждение о датах голосования", "быстро распространяется выдуманный совет о здоровье",
               "смонтированное видео с публичным лицом"),
        "kk": ("дауыс беру күндері туралы жалған мәлімет", "денсаулық туралы ойдан шығарылған кеңес тез таралуда",
               "қоғам қайраткерінің өңделген бейнесі")},
    "illegal_goods": {
        "en": ("listing offering prescription drugs without a prescription", "account selling weapon parts",
               "channel advertising narcotics delivery"),
        "ru": ("объявление о продаже рецептурных лекарств без рецепта", "аккаунт продаёт детали оружия",
               "канал рекламирует доставку наркотиков"),
        "kk": ("рецептсіз дәрі-дәрмек сату туралы хабарландыру", "аккаунт қару бөлшектерін сатады",
               "арна есірткі жеткізуді жарнамалайды")},
    "gambling": {
        "en": ("ads for an unlicensed online casino", "betting tips group with referral links",
               "promotion of illegal sports betting"),
        "ru": ("реклама нелегального онлайн-казино", "группа со ставками и реферальными ссылками",
               "продвижение незаконных ставок на спорт"),
        "kk": ("лицензиясыз онлайн-казиноның жарнамасы", "рефералдық сілтемелері бар бәс тігу тобы",
               "спортқа заңсыз бәс тігуді насихаттау")},
    "ip_infringement": {
        "en": ("full film uploaded without rights", "store using someone else's trademark",
               "copied music in a monetised video"),
        "ru": ("фильм целиком загружен без прав", "магазин использует чужой товарный знак",
               "чужая музыка в монетизированном видео"),
        "kk": ("фильм құқықсыз толығымен жүктелген", "дүкен біреудің тауар белгісін пайдаланады",
               "монетизацияланған бейнеде өзгенің музыкасы")},
    "privacy_violation": {
        "en": ("home address of a user published", "private chat screenshots shared publicly",
               "phone numbers leaked in a group"),
        "ru": ("опубликован домашний адрес пользователя", "скриншоты личной переписки выложены публично",
               "в группе слиты номера телефонов"),
        "kk": ("пайдаланушының үй мекенжайы жарияланды", "жеке хат алмасудың скриншоттары көпшілікке таратылды",
               "топта телефон нөмірлері жария болды")},
    "counterfeit": {
        "en": ("replica designer bags sold as originals", "fake furniture store taking orders",
               "counterfeit cosmetics listing"),
        "ru": ("реплики брендовых сумок продаются как оригинал", "фальшивый мебельный магазин принимает заказы",
               "объявление о поддельной косметике"),
        "kk": ("брендтік сөмкелердің көшірмесі түпнұсқа ретінде сатылады", "жалған жиһаз дүкені тапсырыс қабылдайды",
               "жалған косметика сату туралы хабарландыру")},
    "graphic_violence": {
        "en": ("video of a street fight with serious injuries", "graphic accident footage without a warning",
               "images of animal cruelty"),
        "ru": ("видео уличной драки с серьёзными травмами", "шокирующее видео ДТП без предупреждения",
               "изображения жестокого обращения с животными"),
        "kk": ("ауыр жарақатпен аяқталған көше төбелесінің бейнесі", "ескертусіз жарияланған жол апатының бейнесі",
               "жануарларға қатыгездік көрсетілген суреттер")},
}


@dataclass(frozen=True)
class PlantedTerm:
    key: str
    term: str                  # the exact text a detector should find
    texts: dict[str, str]      # language: sentence appended to the summary
    first_day: int             # days before the end of the data when it first appears
    peak_share: float          # share of the segment's summaries carrying it on the last day


# Planted in KZ scam and phishing summaries, spreading from their first day (a logistic rise).
PLANTED_MARKET, PLANTED_CATEGORIES = "KZ", ("scam", "phishing")
PLANTED_TERMS = (
    PlantedTerm("phrase_ru", "компенсацию за утечку данных",
                {"ru": "Текст сообщения: «получите компенсацию за утечку данных»."}, 70, 0.5),
    PlantedTerm("phrase_kk", "деректердің жария болғаны үшін өтемақы",
                {"kk": "Хабарлама мәтіні: «деректердің жария болғаны үшін өтемақы алыңыз»."}, 70, 0.5),
    PlantedTerm("url", "qazpay-bonus.kz",
                {"ru": "Ссылка: qazpay-bonus.kz", "kk": "Сілтеме: qazpay-bonus.kz"}, 55, 0.4),
    PlantedTerm("hashtag", "#тегінбонус", {"ru": "#тегінбонус", "kk": "#тегінбонус"}, 45, 0.35),
)
