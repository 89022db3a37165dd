/// Word lists of the event detector: measure nouns per event type, trigger verbs per action,
/// hedging, negation and background cues, and the commodity table.
enum EventLexicon {
  /// Measure words → event type. Multi-word keys are space-joined lower-case tokens; the
  /// detector looks up the longest match.
  static let measures: [String: String] = [
    "tariff": "tariff", "tariffs": "tariff", "duty": "tariff", "duties": "tariff", "levy": "tariff",
    "levies": "tariff", "import tax": "tariff", "import taxes": "tariff", "surcharge": "tariff",
    "surcharges": "tariff", "surtax": "tariff", "surtaxes": "tariff", "customs duties": "tariff",
    "border tax": "tariff", "duty free": "tariff", "duty free treatment": "tariff", "de minimis": "tariff",
    "reciprocal tariffs": "tariff",
    "zölle": "tariff", "zoll": "tariff", "aranceles": "tariff", "droits de douane": "tariff",
    "quota": "quota", "quotas": "quota", "tariff rate quota": "quota", "tariff rate quotas": "quota",
    "import quota": "quota", "quota deal": "quota", "quota agreement": "quota", "quota arrangement": "quota",
    "out of quota tariff": "quota", "out of quota tariffs": "quota", "out of quota duty": "quota",
    "out of quota rate": "quota", "import quotas": "quota",
    "import ban": "import_ban", "import bans": "import_ban", "ban on imports": "import_ban",
    "imports ban": "import_ban", "ban on the import": "import_ban", "import suspension": "import_ban",
    "export control": "export_control", "export controls": "export_control",
    "export restriction": "export_control",
    "export restrictions": "export_control", "export ban": "export_control", "export bans": "export_control",
    "export curbs": "export_control", "export curb": "export_control", "export licence": "export_control",
    "export licences": "export_control", "export license": "export_control",
    "export licenses": "export_control",
    "export licensing": "export_control", "export licencing": "export_control",
    "export quota": "export_control",
    "export quotas": "export_control", "export tax": "export_control", "export taxes": "export_control",
    "export duty": "export_control", "export duties": "export_control", "entity list": "export_control",
    "ban on exports": "export_control", "controls on exports": "export_control",
    "curbs on exports": "export_control", "restrictions on exports": "export_control",
    "export permits": "export_control",
    "licensing requirements": "export_control",
    "licensing requirement": "export_control", "chip curbs": "export_control",
    "export rules": "export_control",
    "sanction": "sanction", "sanctions": "sanction", "embargo": "sanction", "embargoes": "sanction",
    "blacklist": "sanction", "asset freeze": "sanction", "price cap": "sanction", "price caps": "sanction",
    "sdn list": "sanction",
    "unreliable entity list": "sanction",
    "anti dumping": "anti_dumping", "antidumping": "anti_dumping", "dumping": "anti_dumping",
    "countervailing": "anti_dumping", "anti subsidy": "anti_dumping", "antisubsidy": "anti_dumping",
    "safeguard": "anti_dumping", "safeguards": "anti_dumping", "safeguard measures": "anti_dumping",
    "agreement": "agreement", "agreements": "agreement", "deal": "agreement", "deals": "agreement",
    "pact": "agreement", "accord": "agreement", "truce": "agreement", "treaty": "agreement",
    "framework": "agreement", "memorandum of understanding": "agreement", "mou": "agreement",
    "trade deal": "agreement", "ceasefire": "agreement", "consensus": "agreement",
    "understanding": "agreement", "arrangement": "agreement",
    "talks": "negotiation", "negotiations": "negotiation", "negotiation": "negotiation",
    "dialogue": "negotiation",
    "subsidy": "subsidy", "subsidies": "subsidy", "tax credit": "subsidy", "tax credits": "subsidy",
    "grants": "subsidy", "incentives": "subsidy", "financial support": "subsidy",
    "subsidised loans": "subsidy", "subsidized loans": "subsidy", "equity stake": "subsidy",
    "price floor": "subsidy", "minimum price": "subsidy", "loan guarantee": "subsidy",
    "loan guarantees": "subsidy", "grant": "subsidy", "funding": "subsidy",
    "deposits": "anti_dumping", "deposit": "anti_dumping", "export control list": "export_control",
    "licences": "export_control", "licenses": "export_control", "licence": "export_control",
    "license": "export_control", "permits": "export_control", "permit": "export_control",
    "cash deposits": "anti_dumping", "security deposits": "anti_dumping",
    "blacklists": "sanction", "trade blacklist": "export_control", "export blacklist": "export_control",
    "whitelist": "export_control", "white list": "export_control", "trusted trade list": "export_control",
    "trusted trading partners": "export_control",
    "port fee": "other", "port fees": "other", "port charges": "other",
    "investigation": "other", "probe": "other", "inquiry": "other", "review": "other",
  ]

  static let maxMeasureTokens = 4

  /// Verbs → action. Inflections are listed; `generic` verbs take their action from the measure.
  static let verbs: [String: String] = {
    var m: [String: String] = [:]
    func add(_ action: String, _ words: String) {
      for w in words.split(separator: " ") { m[String(w)] = action }
    }
    add(
      "impose",
      "impose imposes imposed imposing cap caps capped capping double doubles doubled doubling triple triples tripled slap slaps slapped slapping levy levied levies levying introduce introduces introduced introducing raise raises raised raising hike hikes hiked hiking increase increases increased increasing ban bans banned banning restrict restricts restricted restricting curb curbs curbed curbing block blocks blocked blocking halt halts halted halting enact enacts enacted adopt adopts adopted approve approves approved pass passes passed order orders ordered tighten tightens tightened expand expands expanded broaden broadens broadened widen widens widened blacklist blacklists blacklisted sanction sanctions sanctioned targeted targeting retaliate retaliates retaliated retaliating restore restores restored restoring reimpose reimposes reimposed reinstate reinstates reinstated hit hits hitting face faces facing place places placed add adds added put puts publish publishes published issue issues issued impone impuso verhängt"
    )
    add("announce", "hold holds held holding need needs needed pay pays paid paying")
    add("threaten", "threaten threatens threatened threatening warn warns warned vow vows vowed")
    add(
      "propose",
      "propose proposes proposed proposing plan plans planned recommend recommends recommended seek seeks sought draft drafted launch launches launched launching initiate initiates initiated open opens opened"
    )
    add(
      "lift",
      "roll rolls rolled rolling slash slashes slashed slashing lift lifts lifted lifting remove removes removed removing scrap scraps scrapped scrapping ease eases eased easing cut cuts cutting lower lowers lowered lowering reduce reduces reduced reducing exempt exempts exempted exempting waive waives waived waiving pause pauses paused pausing relax relaxes relaxed relaxing drop drops dropped dropping revoke revokes revoked rescind rescinds rescinded terminate terminates terminated resume resumes resumed resuming grant grants granted granting lifting repeal repeals repealed suspend suspends suspended suspending end ends ended ending stop stops stopped stopping cancel cancels cancelled canceled phase phases phased phasing wind winds winding"
    )
    add(
      "extend",
      "extend extends extended extending delay delays delayed delaying postpone postpones postponed postponing defer defers deferred prolong prolongs prolonged renew renews renewed renewing"
    )
    add(
      "agree",
      "agree agrees agreed receive receives received sign signs signed signing reach reaches reached strike strikes struck seal seals sealed conclude concludes concluded finalize finalizes finalized finalise finalised clinch clinched ink inks inked settle settles settled win wins won winning secure secures secured securing get gets got"
    )
    add(
      "rule",
      "rule rules ruled determine determines determined find finds found affirm affirms affirmed uphold upholds upheld"
    )
    add(
      "announce",
      "announce announces announced announcing award awards awarded awarding unveil unveils unveiled unveiling decide decides decided require requires required requiring"
    )
    return m
  }()

  /// Words that make a statement hedged or speculative.
  static let hedges: Set<String> = [
    "could", "might", "may", "considering", "considers", "consider", "mulls", "mulling", "mull", "weighs",
    "weighing", "weigh", "contemplating", "contemplates", "reportedly", "possible", "possibly", "potential",
    "potentially", "likely", "unlikely", "speculation", "rumours", "rumors", "if", "unless", "whether",
    "perhaps", "consideration", "expect", "expects", "bet", "bets", "betting", "wager", "speculate",
    "speculated",
    "predicting", "predict", "predicts", "forecast", "hopes", "hope",
    "hoping",
    "urged", "urges", "urge", "calls", "called", "asked", "lobbying", "should", "expected", "poised",
  ]

  /// Words that negate the statement.
  static let negations: Set<String> = [
    "not", "no", "never", "denied", "denies", "deny", "refused", "refuses", "rejected", "rejects", "declined",
    "declines", "without", "nor", "t", "failed", "fail", "fails", "unable",
  ]

  /// Words that mark a background mention of an old measure.
  static let background: Set<String> = [
    "previously", "already", "existing", "originally", "initially", "formerly", "predecessor", "history",
    "historically",
  ]

  /// Commodities: phrase → canonical name (lower case).
  static let commodities: [String: String] = [
    "rare earth": "rare earths", "rare earths": "rare earths", "rare earth elements": "rare earths",
    "rare earth minerals": "rare earths", "rare earth metals": "rare earths",
    "rare earth magnets": "rare earths",
    "ree": "rare earths", "gallium": "gallium", "germanium": "germanium", "graphite": "graphite",
    "antimony": "antimony", "tungsten": "tungsten", "lithium": "lithium", "cobalt": "cobalt",
    "nickel": "nickel",
    "copper": "copper", "aluminium": "aluminium", "aluminum": "aluminium", "steel": "steel",
    "iron ore": "iron ore",
    "magnesium": "magnesium", "critical minerals": "critical minerals",
    "critical mineral": "critical minerals",
    "semiconductor": "semiconductors", "semiconductors": "semiconductors", "chips": "semiconductors",
    "chip": "semiconductors", "microchips": "semiconductors", "chipmaking equipment": "semiconductors",
    "soybeans": "soybeans", "soybean": "soybeans", "soy": "soybeans", "soya": "soybeans", "corn": "corn",
    "maize": "corn", "wheat": "wheat", "pork": "pork", "beef": "beef", "poultry": "poultry",
    "chicken": "poultry",
    "dairy": "dairy", "rice": "rice", "sugar": "sugar", "canola": "canola", "rapeseed": "canola",
    "barley": "barley", "wine": "wine", "whisky": "whisky", "whiskey": "whisky", "seafood": "seafood",
    "lobster": "seafood", "fish": "seafood", "coffee": "coffee", "cocoa": "cocoa", "palm oil": "palm oil",
    "cars": "autos", "autos": "autos", "automobiles": "autos", "vehicles": "autos", "auto parts": "autos",
    "car": "autos", "electric vehicles": "electric vehicles", "evs": "electric vehicles",
    "electric vehicle": "electric vehicles", "solar panels": "solar", "solar": "solar",
    "solar cells": "solar", "polysilicon": "solar", "batteries": "batteries", "battery": "batteries",
    "lumber": "lumber", "timber": "lumber", "softwood lumber": "lumber", "oil": "oil", "crude": "oil",
    "crude oil": "oil", "lng": "lng", "natural gas": "natural gas", "gas": "natural gas", "coal": "coal",
    "pharmaceuticals": "pharmaceuticals", "drugs": "pharmaceuticals", "medicines": "pharmaceuticals",
    "textiles": "textiles", "apparel": "textiles", "garments": "textiles", "uranium": "uranium",
    "titanium": "titanium", "vanadium": "vanadium", "manganese": "manganese", "fertilizer": "fertilizer",
    "fertiliser": "fertilizer", "potash": "fertilizer", "aircraft": "aircraft", "ships": "ships",
    "smartphones": "electronics", "electronics": "electronics", "machinery": "machinery", "gold": "gold",
    "silver": "silver", "platinum": "platinum", "palladium": "palladium", "zinc": "zinc", "tin": "tin",
    "cotton": "cotton", "tomatoes": "tomatoes", "avocados": "avocados", "eggs": "eggs",
  ]

  /// Nouns that mark a country mention as the target ("Chinese goods", "Canadian steel").
  static let goods: Set<String> = [
    "goods", "imports", "products", "exports", "exporters", "firms", "companies", "makers", "manufacturers",
    "producers", "suppliers", "entities", "shipments", "origin", "made", "items", "brands", "steelmakers",
    "automakers", "chipmakers", "vehicles", "cars", "steel", "aluminum", "aluminium", "solar", "chips",
    "entity",
    "mining", "miners", "farmers", "tech", "technology", "banks", "officials", "individuals", "businesses",
  ]

  /// Prepositions before a target ("tariffs on China", "a deal with Beijing").
  static let targetPrepositions: Set<String> = [
    "on", "against", "from", "with", "targeting", "to", "toward", "towards", "for", "into", "at", "between",
    "and",
    "over",
  ]

  /// Words before a date that make it the date a measure takes effect or expires, not the
  /// announce date.
  static let effectCues: Set<String> = [
    "effective", "from", "starting", "until", "till", "through", "by", "begin", "begins", "beginning",
    "expire", "expires", "expiring", "deadline", "before", "after", "since", "effect", "as", "of", "until",
    "end", "ends", "ending", "runs", "valid", "lasting", "to", "into", "between", "within",
  ]
}

extension EventLexicon {
  /// Verbs that govern an infinitive and decide the action of the verb after "to".
  static let governing: [String: String] = [
    "proposed": "propose", "proposes": "propose", "propose": "propose", "plans": "propose",
    "planned": "propose",
    "plan": "propose", "wants": "propose", "want": "propose", "wanted": "propose", "seeks": "propose",
    "sought": "propose", "seek": "propose", "aims": "propose", "intends": "propose", "intended": "propose",
    "threatened": "threaten", "threatens": "threaten", "threaten": "threaten", "vowed": "threaten",
    "vows": "threaten", "warned": "threaten", "warns": "threaten",
  ]

  /// Reactions to a measure (by anyone): the sentence reports a response, not the measure.
  static let reactions: Set<String> = [
    "opposed", "opposes", "condemned", "condemns", "criticized", "criticised", "criticizes", "slammed",
    "slams",
    "denounced", "welcomed", "welcomes", "praised", "protested", "complained", "lamented", "decried",
  ]

  /// Private parties: as the subject of a sentence they make it commentary or lobbying.
  static let privateParties: Set<String> = [
    "makers", "maker", "producers", "manufacturers", "companies", "company", "firms", "firm", "industry",
    "importers", "exporters", "installers", "farmers", "growers", "petitioners", "unions", "workers",
    "automakers", "carmakers", "chipmakers", "retailers", "shippers", "buyers", "sellers", "miners",
  ]

  /// Objects after "signed" that make it an executive action, not an agreement.
  static let instruments: Set<String> = [
    "order", "orders", "proclamation", "proclamations", "law", "bill", "decree", "memorandum", "executive",
    "directive", "regulation", "legislation", "act",
  ]
}
