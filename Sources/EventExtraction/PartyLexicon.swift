/// Who acts and who is targeted: countries (names, demonyms, capitals used as metonyms), blocs,
/// agencies and leaders, each mapped to an ISO 3166 alpha-2 code (`EU` for the European Union).
/// Keys are lower-case token sequences joined by single spaces.
enum PartyLexicon {
  /// `ISO: names…` lines; a name in capitals (`US`) must be written in capitals in the text.
  static let table = """
    US: united states, united states of america, america, american, americans, US, USA, washington, white house, trump administration, biden administration, trump, donald trump, biden, joe biden, ustr, us trade representative, u s trade representative, office of the us trade representative, commerce department, department of commerce, us commerce department, bureau of industry and security, treasury department, us treasury, ofac, office of foreign assets control, congress, us congress, senate, house of representatives, us international trade commission, usitc, customs and border protection, cbp, lutnick, howard lutnick, bessent, scott bessent, greer, jamieson greer, navarro, peter navarro, raimondo, gina raimondo, katherine tai, pentagon, department of defense, state department, federal register, federal circuit, court of international trade
    CN: china, chinese, prc, people's republic of china, peoples republic of china, mainland china, beijing, mofcom, ministry of commerce, chinese commerce ministry, china's commerce ministry, commerce ministry, state council, general administration of customs, customs tariff commission, customs tariff commission of the state council, xi, xi jinping, li qiang, he lifeng, wang wentao, zhongnanhai
    EU: eu, european union, european commission, brussels, european council, european parliament, von der leyen, ursula von der leyen, sefcovic, maros sefcovic, šefčovič, europe, european, europeans, bloc, the bloc, eu27
    JP: japan, japanese, tokyo, meti, ministry of economy trade and industry, ishiba, shigeru ishiba, kishida, takaichi
    KR: south korea, korea, korean, south korean, seoul, motie, republic of korea, yoon, lee jae myung
    KP: north korea, north korean, pyongyang
    TW: taiwan, taiwanese, taipei
    HK: hong kong
    IN: india, indian, new delhi, delhi, modi, narendra modi, dgtr, directorate general of trade remedies
    CA: canada, canadian, canadians, ottawa, carney, mark carney, trudeau, justin trudeau, cbsa, canada border services agency
    MX: mexico, mexican, mexico city, sheinbaum, claudia sheinbaum
    BR: brazil, brazilian, brasilia, brasília, lula, luiz inacio lula da silva
    AR: argentina, argentine, argentinian, buenos aires, milei
    CL: chile, chilean, santiago
    PE: peru, peruvian, lima
    CO: colombia, colombian, bogota
    GB: united kingdom, britain, great britain, british, uk, UK, london, downing street, starmer, keir starmer
    DE: germany, german, berlin, merz, scholz
    FR: france, french, paris, macron, elysee
    IT: italy, italian, rome, meloni
    ES: spain, spanish, madrid
    NL: netherlands, dutch, the hague, holland
    BE: belgium, belgian
    PL: poland, polish, warsaw
    SE: sweden, swedish, stockholm
    CH: switzerland, swiss, bern
    NO: norway, norwegian, oslo
    AT: austria, austrian, vienna
    IE: ireland, irish, dublin
    RU: russia, russian, russians, moscow, kremlin, putin, vladimir putin
    UA: ukraine, ukrainian, kyiv, kiev
    BY: belarus, belarusian, minsk
    TR: turkey, türkiye, turkiye, turkish, ankara, erdogan
    IR: iran, iranian, tehran
    IQ: iraq, iraqi, baghdad
    IL: israel, israeli, jerusalem
    SA: saudi arabia, saudi, riyadh
    AE: united arab emirates, uae, UAE, emirati, abu dhabi, dubai
    QA: qatar, qatari, doha
    EG: egypt, egyptian, cairo
    ZA: south africa, south african, pretoria
    NG: nigeria, nigerian, abuja
    CD: democratic republic of congo, drc, DRC, congo, congolese, kinshasa
    ZW: zimbabwe, zimbabwean
    KE: kenya, kenyan, nairobi
    MA: morocco, moroccan, rabat
    AU: australia, australian, canberra, albanese, anthony albanese
    NZ: new zealand, wellington
    ID: indonesia, indonesian, jakarta, prabowo, jokowi
    MY: malaysia, malaysian, kuala lumpur, anwar
    TH: thailand, thai, bangkok
    VN: vietnam, viet nam, vietnamese, hanoi
    PH: philippines, philippine, filipino, manila
    SG: singapore, singaporean
    MM: myanmar, burma
    KH: cambodia, cambodian, phnom penh
    LA: laos, lao
    BD: bangladesh, bangladeshi, dhaka
    PK: pakistan, pakistani, islamabad
    LK: sri lanka, sri lankan, colombo
    KZ: kazakhstan, kazakh, astana
    MN: mongolia, mongolian, ulaanbaatar
    VE: venezuela, venezuelan, caracas
    CU: cuba, cuban, havana
    NI: nicaragua, nicaraguan
    """

  struct Entry {
    var code: String
    var caseSensitive: Bool
  }

  static let entries: [String: Entry] = {
    var m: [String: Entry] = [:]
    for line in table.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let code = line[..<colon].trimmingCharacters(in: " ")
      for raw in line[line.index(after: colon)...].split(separator: ",") {
        let name = raw.trimmingCharacters(in: " ")
        guard !name.isEmpty else { continue }
        let cs = name == name.uppercased() && name.contains(where: { $0.isLetter })
        let key = PartyLexicon.key(name)
        if m[key] == nil || cs { m[key] = Entry(code: code, caseSensitive: cs) }
      }
    }
    return m
  }()

  static let maxTokens: Int = entries.keys.map { $0.split(separator: " ").count }.max() ?? 1

  /// Lower-case words of a name joined by spaces (apostrophes kept inside words, `'s` split off).
  static func key(_ s: String) -> String {
    var words: [String] = []
    var cur = ""
    for ch in s.lowercased() {
      if ch.isLetter || ch.isNumber {
        cur.append(ch)
      } else if !cur.isEmpty {
        words.append(cur)
        cur = ""
      }
    }
    if !cur.isEmpty { words.append(cur) }
    return words.joined(separator: " ")
  }

  /// Cities (capitals used as metonyms): after "in", "at" or "near" they name a venue, not a party
  /// ("the truce reached in Geneva and refined in London").
  static let cities: Set<String> = [
    "washington", "beijing", "brussels", "tokyo", "seoul", "london", "paris", "berlin", "rome", "madrid",
    "moscow", "ottawa", "mexico city", "brasilia", "brasília", "new delhi", "delhi", "canberra", "jakarta",
    "bangkok", "hanoi", "manila", "kuala lumpur", "taipei", "the hague", "warsaw", "stockholm", "bern",
    "oslo",
    "vienna", "dublin", "kyiv", "kiev", "minsk", "ankara", "tehran", "baghdad", "jerusalem", "riyadh",
    "abu dhabi", "dubai", "doha", "cairo", "pretoria", "abuja", "kinshasa", "nairobi", "rabat", "wellington",
    "phnom penh", "dhaka", "islamabad", "colombo", "astana", "ulaanbaatar", "caracas", "havana",
    "buenos aires", "santiago", "lima", "bogota", "pyongyang", "singapore", "hong kong",
  ]

  /// People whose statements are views, never announcements ("Analysts said …").
  static let pundits: Set<String> = [
    "analyst", "analysts", "economist", "economists", "expert", "experts", "investors", "traders",
    "strategist", "strategists", "observers", "critics", "lobbyists", "researchers", "columnist",
    "scholars", "academics", "commentators",
  ]

  /// Organisations that are not governments (their statements are commentary, not events).
  static let commentators: Set<String> = [
    "analyst", "analysts", "economist", "economists", "expert", "experts", "investor", "investors", "trader",
    "traders", "strategist", "strategists", "observer", "observers", "critic", "critics", "lobby",
    "lobbyists",
    "executives", "executive", "ceo", "chief", "industry", "groups", "group", "association", "chamber",
    "media",
    "newspaper", "commentators", "researchers", "consultancy", "bank", "banks", "brokerage", "editorial",
    "opinion", "columnist", "scholars", "academics", "think",
  ]
}

extension Substring {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var s = self
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    Substring(self).trimmingCharacters(in: set)
  }
}
