"""The words mapping suggestions read: header names other tools (Zendesk, Jira, ServiceNow,
Freshdesk, Salesforce, Excel sheets kept by hand) and people writing Russian or Kazakh give each
canonical column, and the words of status, priority and source values. Compared after `fold`
(lower case, ё as е, Kazakh letters as a Russian keyboard types them), so `Шешілді` and
`шешилди` are the same word.
"""
from __future__ import annotations

_FOLD = str.maketrans("ёғқңұүөіәһ", "егкнууоиах")


def fold(text: str) -> str:
    """Lower case, ё -> е, Kazakh letters -> the Russian letters typed for them.

    >>> fold("Шешілді Ёлка")
    'шешилди елка'
    """
    return str(text).strip().lower().translate(_FOLD)


# canonical column -> header names (compared as normalise_header writes them: `ticket_id`)
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "case_id": ("id", "ticket id", "ticket", "ticket number", "issue key", "issue id", "key",
                "case number", "case", "number", "incident id", "unique key", "request id",
                "номер", "номер обращения", "номер заявки", "id обращения", "ид", "обращение",
                "нөмір", "өтініш нөмірі"),
    "created_at": ("created", "created date", "creation date", "date created", "opened",
                   "opened at", "submitted", "submitted at", "requested", "reported",
                   "создано", "создан", "дата создания", "дата регистрации", "дата обращения",
                   "құрылған", "құрылған күні", "ашылған күні"),
    "updated_at": ("updated", "last updated", "modified", "last modified", "updated date",
                   "изменено", "обновлено", "дата изменения", "дата обновления", "жаңартылған"),
    "first_response_at": ("first response", "first reply", "first reply time", "responded",
                          "первый ответ", "дата первого ответа", "алғашқы жауап"),
    "resolved_at": ("resolved", "solved", "closed", "resolution date", "closed date", "done",
                    "решено", "закрыто", "дата закрытия", "дата решения", "шешілген", "жабылған"),
    "sla_due_at": ("due", "due date", "due at", "deadline", "resolution due", "срок",
                   "крайний срок", "срок решения", "мерзімі"),
    "first_response_due_at": ("first response due", "reply due", "срок первого ответа"),
    "status": ("status", "state", "ticket status", "статус", "состояние", "күйі", "мәртебе"),
    "market": ("country", "market", "requester country", "country code", "geo", "borough",
               "location", "страна", "рынок", "ел", "елі"),
    "language": ("language", "locale", "requester language", "язык", "тіл", "тілі"),
    "abuse_category": ("category", "type", "issue type", "ticket type", "complaint type",
                       "abuse type", "violation", "категория", "тип", "тип нарушения",
                       "нарушение", "санат", "түрі"),
    "source": ("source", "channel", "via", "origin", "contact type", "канал", "источник",
               "арна", "көзі"),
    "priority": ("priority", "urgency", "severity", "приоритет", "срочность", "басымдық"),
    "queue": ("queue", "group", "очередь", "группа", "кезек"),
    "vendor": ("vendor", "team", "assignee group", "assignment group", "agency", "partner",
               "подрядчик", "команда", "мердігер"),
    "outcome": ("outcome", "resolution", "result", "итог", "результат", "нәтиже"),
    "summary": ("summary", "description", "subject", "title", "text", "comment", "описание",
                "тема", "текст", "суть обращения", "сипаттама", "мәтін", "тақырып"),
    "surface": ("surface", "product", "platform", "продукт", "платформа"),
    "reopen_count": ("reopens", "reopen count", "reopened", "повторных открытий"),
    "is_sla_met": ("sla met", "made sla", "sla achieved", "within sla", "sla соблюден"),
    "is_appealed": ("appealed", "appeal", "обжаловано"),
}

# closed vocabulary -> canonical value -> stems a source value starting a word with one names
VALUE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        "pending": ("pending", "waiting", "awaiting", "on hold", "hold", "ожида", "в ожидании",
                    "приостановл", "на паузе", "отложен", "күт"),
        "resolved": ("resolved", "solved", "done", "fixed", "решен", "решён", "выполнен",
                     "исполнен", "шешілді", "шешілген", "орындалды"),
        "closed": ("closed", "cancel", "rejected", "declined", "закрыт", "отмен", "отклон",
                   "жабық", "жабылды", "жабылған"),
        "open": ("open", "new", "active", "assigned", "in progress", "reopened", "triage",
                 "открыт", "нов", "в работе", "назначен", "активн", "ашық", "жаңа", "жұмыста"),
    },
    "priority": {
        "P0": ("critical", "urgent", "blocker", "highest", "p0", "1", "критич", "срочн",
               "шұғыл", "аса маңызды"),
        "P1": ("high", "major", "p1", "2", "высок", "жоғары"),
        "P2": ("medium", "normal", "moderate", "p2", "3", "средн", "обычн", "орташа"),
        "P3": ("low", "minor", "lowest", "trivial", "p3", "4", "низк", "төмен"),
    },
    "source": {
        "regulator": ("regulator", "government", "регулятор", "госорган", "реттеуші"),
        "legal": ("legal", "court", "police", "law enforcement", "юрид", "суд", "полиц", "сот"),
        "advertiser": ("advertiser", "рекламодат", "жарнама"),
        "business_partner": ("partner", "business", "партнер", "серіктес"),
        "internal": ("internal", "proactive", "automat", "classifier", "direct", "внутрен",
                     "автомат", "ішкі"),
        "user_report": ("user", "email", "web", "form", "chat", "phone", "app", "report",
                        "self service", "ivr", "portal", "пользоват", "жалоб", "почт",
                        "телефон", "пайдаланушы", "шағым"),
    },
}
