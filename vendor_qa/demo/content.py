"""What the demo is made of: four client companies, their people, topics and phrases.

Pure data, no database: the rest of `vendor_qa.demo` turns it into rows. Each tenant speaks
its own language, and some customer lines carry phone numbers, e-mail
addresses or card numbers, so that PII masking has something to mask.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str
    agent_label: str
    customer_label: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    greetings: tuple[str, ...]  # {agent} is the agent's first name, {company} the tenant
    answers: tuple[str, ...]
    thanks: tuple[str, ...]
    closings: tuple[str, ...]
    pii_lines: tuple[str, ...]  # {phone}, {email}, {card}
    phone_format: str  # digits replace each '#'
    email_users: tuple[str, ...]
    email_domains: tuple[str, ...]
    family_name_first: bool = False
    # Where a woman's surname differs (Иванов, Иванова): her first names and the ending added.
    female_first_names: frozenset[str] = frozenset()
    female_surname_ending: str = ""

    def full_name(self, first: str, last: str) -> str:
        if first in self.female_first_names:
            last += self.female_surname_ending
        return f"{last}{first}" if self.family_name_first else f"{first} {last}"


@dataclass(frozen=True)
class TenantSpec:
    slug: str
    name: str
    timezone: str
    language: Language
    teams: tuple[str, ...]
    channels: dict[str, float]  # share of each channel
    issues: dict[str, tuple[str, ...]]  # topic -> what a customer says about it
    agent_prefix: str
    settings: dict[str, object] = field(default_factory=dict)


NORWEGIAN = Language(
    code="nb",
    agent_label="Agent",
    customer_label="Kunde",
    first_names=("Ingrid", "Ola", "Kari", "Lars", "Sigrid", "Henrik", "Marte", "Eirik", "Solveig", "Magnus",
                 "Nora", "Sindre", "Thea", "Jonas", "Ragnhild", "Øystein"),
    last_names=("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
                "Jensen", "Karlsen", "Berg", "Haugen", "Dahl", "Lie"),
    greetings=("Hei, du snakker med {agent} i {company}. Hva kan jeg hjelpe deg med?",
               "God dag, {company}, {agent} her. Hvordan kan jeg hjelpe?",
               "Takk for at du kontakter {company}. Jeg heter {agent}."),
    answers=("Jeg forstår. La meg se på kontoen din et øyeblikk.",
             "Det har jeg ordnet nå. Du får en bekreftelse på SMS.",
             "Beklager ulempen. Jeg sender saken videre til rett avdeling.",
             "Nå har jeg registrert saken, og du hører fra oss innen to dager."),
    thanks=("Supert, tusen takk.", "Flott, da venter jeg på det.", "Ok, det høres bra ut."),
    closings=("Er det noe mer jeg kan hjelpe med? Ha en fin dag!", "Takk for samtalen, ha det bra."),
    pii_lines=("Nummeret mitt er {phone}.", "Du kan sende det til {email}.",
               "Jeg betalte med kortet {card}."),
    phone_format="+47 ### ## ###",
    email_users=("kari.nordmann", "ola.hansen", "trine.berg", "per.olsen"),
    email_domains=("online.no", "gmail.com", "hotmail.no"),
)

RUSSIAN = Language(
    code="ru",
    agent_label="Оператор",
    customer_label="Клиент",
    first_names=("Анна", "Иван", "Мария", "Дмитрий", "Екатерина", "Сергей", "Ольга", "Алексей", "Татьяна",
                 "Николай", "Елена", "Павел", "Наталья", "Михаил", "Юлия", "Андрей"),
    last_names=("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Морозов", "Новиков",
                "Волков", "Фёдоров", "Лебедев", "Козлов"),
    female_first_names=frozenset({"Анна", "Мария", "Екатерина", "Ольга", "Татьяна", "Елена", "Наталья", "Юлия"}),
    female_surname_ending="а",
    greetings=("Здравствуйте, {company}, меня зовут {agent}. Чем могу помочь?",
               "Добрый день! {agent}, {company}. Слушаю вас.",
               "{company}, оператор {agent}, здравствуйте."),
    answers=("Понимаю. Одну минуту, проверю информацию по вашему счёту.",
             "Готово, всё оформлено. Подтверждение придёт в SMS.",
             "Приношу извинения за неудобства. Передаю обращение профильному специалисту.",
             "Обращение зарегистрировано, ответ придёт в течение двух рабочих дней."),
    thanks=("Спасибо большое.", "Хорошо, буду ждать.", "Понятно, спасибо."),
    closings=("Могу ли я ещё чем-то помочь? Всего доброго!", "Спасибо за обращение, до свидания."),
    pii_lines=("Мой номер {phone}.", "Пришлите, пожалуйста, на почту {email}.",
               "Номер карты {card}."),
    phone_format="+7 9## ###-##-##",
    email_users=("ivan.petrov", "anna.smirnova", "d.kuznetsov", "olga.volkova"),
    email_domains=("mail.ru", "yandex.ru", "gmail.com"),
)

ENGLISH = Language(
    code="en",
    agent_label="Agent",
    customer_label="Customer",
    first_names=("Emily", "James", "Olivia", "Michael", "Sophia", "Daniel", "Ava", "Ethan", "Mia", "Noah",
                 "Chloe", "Lucas", "Grace", "Ryan", "Hannah", "Tyler"),
    last_names=("Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lee", "Walker", "Hall",
                "Young", "Nguyen", "Brooks", "Kim", "Turner"),
    greetings=("Thanks for calling {company}, this is {agent}. How can I help you today?",
               "Hi, you've reached {company}. My name is {agent}, what can I do for you?",
               "Good morning, {company}, {agent} speaking."),
    answers=("I understand. Let me pull up your account real quick.",
             "All done, you'll get a confirmation e-mail in a few minutes.",
             "I'm sorry about that. I've escalated it to the right team.",
             "I've opened a case for you; you'll hear from us within two business days."),
    thanks=("Great, thank you so much.", "Okay, that works for me.", "Perfect, thanks."),
    closings=("Is there anything else I can help with? Have a great day!", "Thanks for calling, take care."),
    pii_lines=("You can reach me at {phone}.", "My e-mail is {email}.", "I paid with my card, {card}."),
    phone_format="(###) 555-####",
    email_users=("jenny.walsh", "mike.t", "sarah.connors", "bob.nguyen"),
    email_domains=("gmail.com", "yahoo.com", "outlook.com"),
)

CHINESE = Language(
    code="zh",
    agent_label="客服",
    customer_label="客户",
    first_names=("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "杰", "婷", "强", "丽", "军", "霞", "涛", "颖"),
    last_names=("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"),
    greetings=("您好，这里是{company}，我是客服{agent}，请问有什么可以帮您？",
               "您好，{company}客服中心，{agent}为您服务。",
               "欢迎致电{company}，我是{agent}。"),
    answers=("好的，我理解您的情况，请稍等，我帮您查询一下。",
             "已经为您处理好了，稍后会有短信通知。",
             "非常抱歉给您带来不便，我会把您的问题转交给相关部门。",
             "已经为您登记，三个工作日内会有专人联系您。"),
    thanks=("好的，谢谢。", "明白了，谢谢你。", "行，那我等通知。"),
    closings=("请问还有其他可以帮您的吗？祝您生活愉快！", "感谢您的来电，再见。"),
    pii_lines=("我的手机号是{phone}。", "请发到我的邮箱{email}。", "我的银行卡号是{card}。"),
    phone_format="13# #### ####",
    email_users=("wang.lei", "lixiaohong", "zhang_wei", "chenjing88"),
    email_domains=("qq.com", "163.com", "126.com"),
    family_name_first=True,
)

TENANTS: tuple[TenantSpec, ...] = (
    TenantSpec(
        slug="nordlys", name="Nordlys Telecom", timezone="Europe/Oslo", language=NORWEGIAN,
        teams=("Kundeservice Oslo", "Kundeservice Bergen", "Teknisk support", "Bedrift"),
        channels={"phone": 0.6, "chat": 0.25, "email": 0.1, "social": 0.05},
        issues={
            "billing": ("Fakturaen min er mye høyere enn vanlig denne måneden.",
                        "Jeg har blitt trukket to ganger for samme abonnement."),
            "cancellation": ("Jeg vil si opp abonnementet mitt.", "Hvor lang oppsigelsestid har jeg?"),
            "technical fault": ("Mobilnettet har vært nede hjemme siden i går.",
                                "Bredbåndet faller ut flere ganger om dagen."),
            "roaming": ("Jeg skal til Spania, hva koster det å ringe derfra?",),
            "number porting": ("Jeg vil flytte nummeret mitt til dere fra en annen operatør.",),
            "new subscription": ("Jeg vil gjerne bestille et nytt mobilabonnement til datteren min.",),
        },
        agent_prefix="NT",
    ),
    TenantSpec(
        slug="volga", name="Volga Bank", timezone="Europe/Moscow", language=RUSSIAN,
        teams=("Карты", "Кредиты", "Интернет-банк", "Удержание", "VIP"),
        channels={"phone": 0.5, "chat": 0.35, "email": 0.15},
        issues={
            "card blocked": ("У меня заблокировали карту, не могу расплатиться.",
                             "Карта не проходит в магазине, что случилось?"),
            "money transfer": ("Перевод ушёл три дня назад, но так и не дошёл.",),
            "loan": ("Хочу узнать условия досрочного погашения кредита.",
                     "Сколько мне осталось платить по кредиту?"),
            "online banking": ("Не могу войти в мобильное приложение, пишет ошибку.",),
            "fraud report": ("С моей карты списали деньги, я этого не делал.",),
            "cancellation": ("Хочу закрыть счёт и расторгнуть договор.",),
        },
        agent_prefix="VB",
    ),
    TenantSpec(
        slug="pacific", name="Pacific Outfitters", timezone="America/Los_Angeles", language=ENGLISH,
        teams=("Orders", "Returns & Exchanges", "Loyalty"),
        channels={"phone": 0.4, "chat": 0.3, "email": 0.2, "social": 0.1},
        issues={
            "order status": ("I ordered a tent last week and it still says processing.",
                             "Where is my package? The tracking hasn't moved in days."),
            "returns": ("I'd like to return a jacket, it doesn't fit.",),
            "sizing": ("Do your hiking boots run small or true to size?",),
            "damaged item": ("My backpack arrived with a torn strap.",),
            "billing": ("I was charged twice for the same order.",),
            "loyalty program": ("My rewards points didn't show up after my last purchase.",),
        },
        agent_prefix="PO",
        settings={"allow_agent_names": True},
    ),
    TenantSpec(
        slug="changjiang", name="Changjiang Insurance", timezone="Asia/Shanghai", language=CHINESE,
        teams=("车险", "健康险", "理赔中心", "续保"),
        channels={"phone": 0.45, "chat": 0.4, "social": 0.15},
        issues={
            "claim status": ("我上周提交的理赔申请现在进度怎么样了？", "理赔款什么时候能到账？"),
            "new policy": ("我想给家里的新车买一份车险。",),
            "premium payment": ("这个月的保费扣款失败了，怎么办？",),
            "coverage question": ("我的健康险包括住院费用吗？",),
            "cancellation": ("我想退保，需要什么手续？",),
            "billing": ("保费比去年贵了很多，能解释一下吗？",),
        },
        agent_prefix="CJ",
    ),
)

# Who the demo lets log in. Graders are certified for overlapping sets of tenants.
# `.example` is reserved for examples (RFC 2606) and, unlike `.test`, passes e-mail validation.
VENDOR_ADMIN_EMAIL = "admin@vendor-qa.example"
GRADER_CERTIFICATIONS: dict[str, tuple[str, ...]] = {
    "grader1@vendor-qa.example": ("nordlys", "volga"),
    "grader2@vendor-qa.example": ("volga", "pacific"),
    "grader3@vendor-qa.example": ("pacific", "changjiang"),
    "grader4@vendor-qa.example": ("nordlys", "pacific"),
    "grader5@vendor-qa.example": ("nordlys", "volga", "pacific", "changjiang"),
    "grader6@vendor-qa.example": ("changjiang", "volga"),
}
GRADER_NAMES = ("Alex Morgan", "Sam Rivera", "Jordan Blake", "Taylor Quinn", "Casey Holm", "Robin Vale")


def manager_email(slug: str) -> str:
    return f"manager@{slug}.example"


# What demo graders write on an evaluation (graders work in English for every client).
FEEDBACK_GOOD = (
    "Friendly and patient from start to finish.",
    "Clear explanation; the customer knew exactly what happens next.",
    "Good control of the call and a correct solution.",
    "Listened well and summarised the problem before acting.",
    "Polite, calm and quick to find the account.",
)
FEEDBACK_IMPROVE = "Work on this first: {criterion}."
FEEDBACK_NOTHING_TO_IMPROVE = "Keep it up: nothing to fix on this call."
LOST_POINTS = "Fell short on: {criterion}."
