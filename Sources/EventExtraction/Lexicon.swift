/// Word lists of the temporal tagger: month and weekday names in several languages, number words,
/// units and zone names. Keys are lower case.
enum Lexicon {
  /// A month name: its number; `strong` when the word is unambiguous on its own (English full
  /// names other than May/March/August); `english` for English names and abbreviations.
  struct Month {
    var month: Int
    var strong: Bool
    var english: Bool
  }

  static let months: [String: Month] = {
    var m: [String: Month] = [:]
    let english = [
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november",
      "december",
    ]
    for (i, w) in english.enumerated() {
      m[w] = Month(month: i + 1, strong: !["may", "march", "august"].contains(w), english: true)
    }
    let abbr = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    for (i, w) in abbr.enumerated() where m[w] == nil {
      m[w] = Month(month: i + 1, strong: false, english: true)
    }
    m["sept"] = Month(month: 9, strong: false, english: true)
    let others: [[String]] = [
      // German, French, Spanish, Italian, Portuguese, Dutch, Swedish/Danish/Norwegian, Polish (nominative/genitive), Czech-less.
      [
        "januar", "janvier", "enero", "gennaio", "janeiro", "januari", "jänner", "stycznia", "styczeń",
        "janeiro",
      ],
      ["februar", "février", "fevrier", "febrero", "febbraio", "fevereiro", "februari", "lutego", "luty"],
      ["märz", "maerz", "mars", "marzo", "março", "marco", "maart", "marca", "marzec"],
      ["avril", "abril", "aprile", "kwietnia", "kwiecień"],
      ["mai", "mayo", "maggio", "maio", "mei", "maj", "maja"],
      ["juni", "juin", "junio", "giugno", "junho", "czerwca", "czerwiec"],
      ["juli", "juillet", "julio", "luglio", "julho", "lipca", "lipiec"],
      ["august", "août", "aout", "agosto", "augustus", "augusti", "sierpnia", "sierpień"],
      ["septembre", "septiembre", "setiembre", "settembre", "setembro", "września", "wrzesień"],
      ["oktober", "octobre", "octubre", "ottobre", "outubro", "października", "październik"],
      ["novembre", "noviembre", "novembro", "listopada", "listopad"],
      ["dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro", "grudnia", "grudzień"],
    ]
    for (i, ws) in others.enumerated() {
      for w in ws where m[w] == nil { m[w] = Month(month: i + 1, strong: false, english: false) }
    }
    // Abbreviations common in German/French/Spanish datelines.
    for (w, n) in [
      ("janv", 1), ("févr", 2), ("avr", 4), ("juil", 7), ("déc", 12), ("dez", 12), ("okt", 10), ("mrz", 3),
      ("ene", 1), ("dic", 12),
    ] where m[w] == nil {
      m[w] = Month(month: n, strong: false, english: false)
    }
    return m
  }()

  /// Looks a lower-case word up as a month name.
  static func month(_ w: String) -> Month? { months[w] }

  /// Weekday names → ISO weekday (1 = Monday). Full names in English and a few other languages.
  static let weekdays: [String: Int] = [
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
    "montag": 1, "dienstag": 2, "mittwoch": 3, "donnerstag": 4, "freitag": 5, "samstag": 6, "sonntag": 7,
    "lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6, "dimanche": 7,
    "lunes": 1, "martes": 2, "miércoles": 3, "jueves": 4, "viernes": 5, "sábado": 6, "domingo": 7,
  ]

  /// English weekday abbreviations: only recognised before a comma and a date (`Thu, 26 Jun`).
  static let weekdayAbbreviations: [String: Int] = [
    "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6, "sun": 7,
  ]

  /// Number words → value.
  static let numbers: [String: Int] = [
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "single": 1,
    "couple": 2, "dozen": 12,
  ]

  /// Ordinal words → value (`first` … `thirty-first` via parts).
  static let ordinals: [String: Int] = [
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
  ]

  /// Duration units → (TimeML unit letter, is a time unit (PT…), granularity of `N units ago`).
  static let units: [String: (String, Bool, TimeGranularity)] = [
    "second": ("S", true, .time), "seconds": ("S", true, .time), "minute": ("M", true, .time),
    "minutes": ("M", true, .time), "hour": ("H", true, .time), "hours": ("H", true, .time),
    "day": ("D", false, .day), "days": ("D", false, .day), "week": ("W", false, .week),
    "weeks": ("W", false, .week), "month": ("M", false, .month), "months": ("M", false, .month),
    "quarter": ("Q", false, .quarter), "quarters": ("Q", false, .quarter), "year": ("Y", false, .year),
    "years": ("Y", false, .year), "decade": ("DE", false, .decade), "decades": ("DE", false, .decade),
    "century": ("CE", false, .century), "centuries": ("CE", false, .century),
  ]

  /// Time zone words → IANA zone (news abbreviations and "Beijing time"-style names).
  static let zones: [String: String] = [
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "ct": "America/Chicago", "cdt": "America/Chicago", "mt": "America/Denver", "mst": "America/Denver",
    "mdt": "America/Denver", "pt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles", "gmt": "UTC", "utc": "UTC", "bst": "Europe/London", "cet": "Europe/Berlin",
    "cest": "Europe/Berlin", "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore", "ist": "Asia/Kolkata", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "msk": "Europe/Moscow", "cst": "America/Chicago",
  ]

  /// City or country names used as "<name> time" → IANA zone.
  static let zoneCities: [String: String] = [
    "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai", "tokyo": "Asia/Tokyo", "seoul": "Asia/Seoul",
    "washington": "America/New_York", "new york": "America/New_York", "london": "Europe/London",
    "brussels": "Europe/Brussels", "berlin": "Europe/Berlin", "paris": "Europe/Paris",
    "hong kong": "Asia/Hong_Kong", "singapore": "Asia/Singapore", "sydney": "Australia/Sydney",
    "eastern": "America/New_York", "pacific": "America/Los_Angeles", "central": "America/Chicago",
    "moscow": "Europe/Moscow", "delhi": "Asia/Kolkata", "india": "Asia/Kolkata", "taipei": "Asia/Taipei",
  ]
}
