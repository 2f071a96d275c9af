//! Built-in legal bases: GDPR Art. 6(1)(a)–(f) and PIPL Art. 13(1)–(7).

use crate::model::BasisKind;

/// A built-in legal basis.
pub struct Builtin {
    /// The name authors write.
    pub name: &'static str,
    /// Its ground.
    pub kind: BasisKind,
    /// Citation.
    pub citation: &'static str,
    /// English label.
    pub en: &'static str,
    /// Chinese label.
    pub zh: &'static str,
}

/// Every built-in basis.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "gdpr_consent",
        kind: BasisKind::Consent,
        citation: "GDPR Art. 6(1)(a)",
        en: "Your consent",
        zh: "您的同意",
    },
    Builtin {
        name: "gdpr_contract",
        kind: BasisKind::Contract,
        citation: "GDPR Art. 6(1)(b)",
        en: "Necessary to perform our contract with you",
        zh: "履行与您签订的合同所必需",
    },
    Builtin {
        name: "gdpr_legal_obligation",
        kind: BasisKind::LegalObligation,
        citation: "GDPR Art. 6(1)(c)",
        en: "Necessary to comply with a legal obligation",
        zh: "履行法定义务所必需",
    },
    Builtin {
        name: "gdpr_vital_interests",
        kind: BasisKind::VitalInterests,
        citation: "GDPR Art. 6(1)(d)",
        en: "Necessary to protect vital interests",
        zh: "保护重大利益所必需",
    },
    Builtin {
        name: "gdpr_public_task",
        kind: BasisKind::PublicTask,
        citation: "GDPR Art. 6(1)(e)",
        en: "Necessary for a task carried out in the public interest",
        zh: "执行公共利益任务所必需",
    },
    Builtin {
        name: "gdpr_legitimate_interests",
        kind: BasisKind::LegitimateInterests,
        citation: "GDPR Art. 6(1)(f)",
        en: "Necessary for our legitimate interests",
        zh: "我们的正当利益所必需",
    },
    Builtin {
        name: "pipl_consent",
        kind: BasisKind::Consent,
        citation: "PIPL Art. 13(1)",
        en: "Your consent",
        zh: "取得您的同意",
    },
    Builtin {
        name: "pipl_contract",
        kind: BasisKind::Contract,
        citation: "PIPL Art. 13(2)",
        en: "Necessary to conclude or perform a contract to which you are a party, or for human-resources management",
        zh: "为订立、履行您作为一方当事人的合同所必需，或者按照依法制定的劳动规章制度和依法签订的集体合同实施人力资源管理所必需",
    },
    Builtin {
        name: "pipl_legal_obligation",
        kind: BasisKind::LegalObligation,
        citation: "PIPL Art. 13(3)",
        en: "Necessary to perform statutory duties or obligations",
        zh: "为履行法定职责或者法定义务所必需",
    },
    Builtin {
        name: "pipl_emergency",
        kind: BasisKind::VitalInterests,
        citation: "PIPL Art. 13(4)",
        en: "Necessary to respond to a public-health emergency or to protect life, health and property in an emergency",
        zh: "为应对突发公共卫生事件，或者紧急情况下为保护自然人的生命健康和财产安全所必需",
    },
    Builtin {
        name: "pipl_public_interest",
        kind: BasisKind::PublicInterestReporting,
        citation: "PIPL Art. 13(5)",
        en: "News reporting and supervision by public opinion in the public interest, within a reasonable scope",
        zh: "为公共利益实施新闻报道、舆论监督等行为，在合理的范围内处理个人信息",
    },
    Builtin {
        name: "pipl_public_information",
        kind: BasisKind::PublicInformation,
        citation: "PIPL Art. 13(6)",
        en: "Information you have made public, or that was lawfully made public, within a reasonable scope",
        zh: "在合理的范围内处理个人自行公开或者其他已经合法公开的个人信息",
    },
    Builtin {
        name: "pipl_other_legal",
        kind: BasisKind::OtherLegal,
        citation: "PIPL Art. 13(7)",
        en: "Other circumstances provided by laws and administrative regulations",
        zh: "法律、行政法规规定的其他情形",
    },
];

/// The built-in basis with this name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Names of the built-in bases.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.name)
}
