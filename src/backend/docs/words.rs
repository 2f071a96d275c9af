//! The fixed words of the documents, per language. Templates receive these as data, so no
//! template branches on the locale. `{name}` marks a placeholder filled by the generator.
//!
//! Built-in languages are English and Chinese. A declared locale without built-in words (e.g.
//! `fr`) gets the English words and grammar for the fixed phrases; every text the policy declares
//! (labels, descriptions, notes) is still shown in that locale.

/// A language with built-in grammar for generated sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English: plurals, "a, b and c".
    En,
    /// Chinese: measure words, "、" lists, no spaces between clauses.
    Zh,
}

impl Lang {
    /// The built-in language for a locale tag (`zh`, `zh_CN` → Chinese; anything else → English).
    pub fn of(locale: &str) -> Lang {
        if locale == "zh" || locale.starts_with("zh_") { Lang::Zh } else { Lang::En }
    }

    /// The fixed words.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// True for locales written right to left (by primary language subtag).
pub fn is_rtl(locale: &str) -> bool {
    let primary = locale.split('_').next().unwrap_or(locale);
    matches!(primary, "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd" | "ug" | "syr")
}

/// Fixed phrases of one language.
#[derive(Debug)]
pub struct Words {
    pub version: &'static str,
    pub effective: &'static str,
    pub contents: &'static str,
    pub h_introduction: &'static str,
    pub h_controller: &'static str,
    pub h_availability: &'static str,
    pub h_use: &'static str,
    pub h_sharing: &'static str,
    pub h_retention: &'static str,
    pub h_rights: &'static str,
    pub h_details: &'static str,
    pub h_recipients: &'static str,
    pub h_storage: &'static str,
    /// `{feature}`.
    pub intro_scope: &'static str,
    /// `{parent}` (a link).
    pub intro_incorporated: &'static str,
    /// `{parent}`.
    pub intro_terms: &'static str,
    /// `{parent}`.
    pub precedence_module: &'static str,
    /// `{parent}`.
    pub precedence_parent: &'static str,
    /// `{parent}`.
    pub controller_as_parent: &'static str,
    /// `{name}`.
    pub controller_entity: &'static str,
    /// `{contact}`.
    pub controller_contact: &'static str,
    /// `{regions}`.
    pub regions: &'static str,
    pub region_worldwide: &'static str,
    pub use_intro_controller: &'static str,
    pub use_intro_processor: &'static str,
    pub col_information: &'static str,
    pub col_purpose: &'static str,
    pub col_basis: &'static str,
    pub col_retention: &'static str,
    pub col_recipient: &'static str,
    pub col_condition: &'static str,
    pub col_stores: &'static str,
    pub col_fields: &'static str,
    /// `{description}`, `{fields}`.
    pub including: &'static str,
    /// Separator between fields of a category.
    pub field_sep: &'static str,
    /// `{prefix}`, `{items}`: fields whose labels share a prefix (`A: b`, `A: c` → `A (b, c)`).
    pub group: &'static str,
    /// Separator inside a group.
    pub group_sep: &'static str,
    /// Appended to a sensitive field.
    pub sensitive: &'static str,
    /// `{condition}`.
    pub only_if: &'static str,
    /// `{systems}`.
    pub systems: &'static str,
    /// Consent as a sharing condition.
    pub consent_condition: &'static str,
    /// `{conditions}`, `{recipient}`.
    pub share_whole_if: &'static str,
    /// `{recipient}`.
    pub share_whole: &'static str,
    /// `{conditions}`, `{recipient}`, `{fields}`.
    pub share_fields_if: &'static str,
    /// `{recipient}`, `{fields}`.
    pub share_fields: &'static str,
    /// `{basis}`.
    pub share_basis: &'static str,
    /// `{conditions}`.
    pub condition_if: &'static str,
    pub unconditional: &'static str,
    pub processor_basis: &'static str,
    /// `{purpose}`, `{basis}`: one of several bases of a category.
    pub basis_for: &'static str,
    /// `{text}`.
    pub withdrawal: &'static str,
    /// `{purposes}`: purposes of the category stated once for several categories.
    pub shared_purposes: &'static str,
    /// `{parent}`.
    pub sharing_as_parent: &'static str,
    pub in_addition: &'static str,
    /// `{data}`, `{stores}`.
    pub storage_stored: &'static str,
    /// `{data}`, `{stores}`.
    pub storage_backed_up: &'static str,
    pub recipients_intro: &'static str,
    pub storage_intro: &'static str,
    pub not_stored: &'static str,
    pub retention_intro: &'static str,
    pub rights_deletion: &'static str,
    /// `{duration}`.
    pub rights_deadline: &'static str,
    /// `{text}`.
    pub rights_self_service: &'static str,
    /// `{age}`.
    pub rights_minimum_age: &'static str,
    pub details_intro: &'static str,
    pub d_fields: &'static str,
    pub d_purposes: &'static str,
    pub d_systems: &'static str,
    pub d_stored: &'static str,
    pub d_retention: &'static str,
    pub d_shared: &'static str,
    pub none: &'static str,
    /// Label-colon separator, e.g. `Fields: …`.
    pub colon: &'static str,
    /// Sentence end added to free text that lacks one.
    pub full_stop: &'static str,
    pub ropa_title: &'static str,
    /// `{controller}`.
    pub ropa_controller: &'static str,
    pub ropa_controller_parent: &'static str,
    pub ropa_role_controller: &'static str,
    pub ropa_role_processor: &'static str,
    pub col_category: &'static str,
    pub col_role: &'static str,
    pub col_recipients: &'static str,
    pub col_citation: &'static str,
}

/// English.
pub static EN: Words = Words {
    version: "Version",
    effective: "Effective",
    contents: "Contents",
    h_introduction: "Introduction",
    h_controller: "Controller",
    h_availability: "Availability",
    h_use: "How we use personal information",
    h_sharing: "How we share and store personal information",
    h_retention: "Data retention",
    h_rights: "Your rights",
    h_details: "Personal information in detail",
    h_recipients: "Recipients",
    h_storage: "Where we store it",
    intro_scope: "This module applies only when you use {feature} (the “Feature”).",
    intro_incorporated: "It is incorporated into the {parent}.",
    intro_terms: "Terms used in this module but not defined have the meaning given in the {parent}.",
    precedence_module: "If the {parent} and this module conflict, this module prevails for that inconsistency.",
    precedence_parent: "If the {parent} and this module conflict, the {parent} prevails.",
    controller_as_parent: "The controller of the personal information described in this module is as specified in the {parent}.",
    controller_entity: "The controller of the personal information described in this module is {name}.",
    controller_contact: "Contact: {contact}",
    regions: "Regions: {regions}.",
    region_worldwide: "worldwide",
    use_intro_controller: "We use the information on the following legal bases and in the following ways:",
    use_intro_processor: "We process the information on your behalf, as your processor, in the following ways:",
    col_information: "Personal information",
    col_purpose: "Purpose",
    col_basis: "Legal basis",
    col_retention: "Retention policy",
    col_recipient: "Recipient",
    col_condition: "Condition",
    col_stores: "Stored in",
    col_fields: "Fields",
    including: "{description}, including: {fields}",
    field_sep: "; ",
    group: "{prefix} ({items})",
    group_sep: ", ",
    sensitive: " (sensitive)",
    only_if: "Applies only if {condition}.",
    systems: "The data is integrated with our {systems} features.",
    consent_condition: "you agree to the sharing",
    share_whole_if: "If {conditions}, we share this data with {recipient}.",
    share_whole: "We share this data with {recipient}.",
    share_fields_if: "If {conditions}, we share the following with {recipient}: {fields}.",
    share_fields: "We share the following with {recipient}: {fields}.",
    share_basis: "Legal basis of the sharing: {basis}",
    condition_if: "Only if {conditions}.",
    unconditional: "Always",
    processor_basis: "We process this data as your processor; you determine the legal basis.",
    basis_for: "{purpose}: {basis}",
    withdrawal: "To withdraw consent: {text}",
    shared_purposes: "See also the purposes stated once below for several kinds of information: {purposes}.",
    sharing_as_parent: "As set out in the {parent}.",
    in_addition: "In addition:",
    storage_stored: "{data}: stored in {stores}.",
    storage_backed_up: "{data}: stored and backed up in {stores}.",
    recipients_intro: "We share personal information with the following recipients:",
    storage_intro: "We store personal information in the following systems:",
    not_stored: "Not stored",
    retention_intro: "We keep personal information as follows:",
    rights_deletion: "You can ask us to delete your personal information.",
    rights_deadline: "We delete it within {duration} of receiving your request.",
    rights_self_service: "You can delete the following yourself: {text}",
    rights_minimum_age: "The Feature is not intended for anyone under the age of {age}.",
    details_intro: "Each kind of personal information, with everything this module says about it:",
    d_fields: "Personal information",
    d_purposes: "Purposes",
    d_systems: "Integrated with",
    d_stored: "Stored in",
    d_retention: "Retention",
    d_shared: "Shared with",
    none: "—",
    colon: ": ",
    full_stop: ".",
    ropa_title: "Record of processing activities",
    ropa_controller: "Controller: {controller}",
    ropa_controller_parent: "Controller: as specified in the parent policy",
    ropa_role_controller: "Controller",
    ropa_role_processor: "Processor",
    col_category: "Category",
    col_role: "Role",
    col_recipients: "Recipients",
    col_citation: "Citation",
};

/// Chinese.
pub static ZH: Words = Words {
    version: "版本",
    effective: "生效日期",
    contents: "目录",
    h_introduction: "简介",
    h_controller: "控制方",
    h_availability: "可用性",
    h_use: "我们如何使用个人信息",
    h_sharing: "我们如何共享和存储个人信息",
    h_retention: "数据保留",
    h_rights: "您的权利",
    h_details: "个人信息详情",
    h_recipients: "接收方",
    h_storage: "存储位置",
    intro_scope: "本模块仅在您使用{feature}（“功能”）时适用。",
    intro_incorporated: "本模块已纳入{parent}中。",
    intro_terms: "本模块中使用但未作定义的术语应具有在{parent}中规定的含义。",
    precedence_module: "如果{parent}与本模块之间发生任何冲突，对于此等不一致，则本模块适用。",
    precedence_parent: "如果{parent}与本模块之间发生任何冲突，则以{parent}为准。",
    controller_as_parent: "本模块中所述个人信息的控制方见{parent}中的规定。",
    controller_entity: "本模块中所述个人信息的控制方为{name}。",
    controller_contact: "联系方式：{contact}",
    regions: "提供区域：{regions}。",
    region_worldwide: "全球",
    use_intro_controller: "我们将按照以下法律依据和方式使用信息：",
    use_intro_processor: "我们作为您的受托处理者，代表您按照以下方式处理信息：",
    col_information: "个人信息",
    col_purpose: "用途",
    col_basis: "法律依据",
    col_retention: "保留政策",
    col_recipient: "接收方",
    col_condition: "条件",
    col_stores: "存储位置",
    col_fields: "字段",
    including: "{description}，包括：{fields}",
    field_sep: "、",
    group: "{prefix}（{items}）",
    group_sep: "、",
    sensitive: "（敏感个人信息）",
    only_if: "仅在{condition}时适用。",
    systems: "请注意，此数据与我们的{systems}功能完美兼容。",
    consent_condition: "您同意共享和集成",
    share_whole_if: "如果{conditions}，我们会将此类数据与{recipient}共享。",
    share_whole: "我们会将此类数据与{recipient}共享。",
    share_fields_if: "如果{conditions}，我们会将以下信息与{recipient}共享：{fields}。",
    share_fields: "我们会将以下信息与{recipient}共享：{fields}。",
    share_basis: "共享的法律依据：{basis}",
    condition_if: "仅在{conditions}时。",
    unconditional: "无条件",
    processor_basis: "我们作为您的受托处理者处理此类信息，法律依据由您确定。",
    basis_for: "{purpose}：{basis}",
    withdrawal: "撤回同意的方式：{text}",
    shared_purposes: "另见下文对多类信息统一说明的用途：{purposes}。",
    sharing_as_parent: "见{parent}中的规定。",
    in_addition: "此外：",
    storage_stored: "{data}将存储在{stores}中。",
    storage_backed_up: "{data}将存储和备份在{stores}中。",
    recipients_intro: "我们会与以下接收方共享个人信息：",
    storage_intro: "我们将个人信息存储在以下系统中：",
    not_stored: "不存储",
    retention_intro: "我们将根据下列规定保留个人信息：",
    rights_deletion: "您可以要求我们删除您的个人信息。",
    rights_deadline: "我们将在收到您的请求后 {duration}内完成删除。",
    rights_self_service: "您可以自行删除：{text}",
    rights_minimum_age: "本功能不面向未满 {age} 周岁的用户。",
    details_intro: "以下逐类列出本模块对各类个人信息的全部说明：",
    d_fields: "个人信息",
    d_purposes: "用途",
    d_systems: "集成系统",
    d_stored: "存储位置",
    d_retention: "保留政策",
    d_shared: "共享对象",
    none: "—",
    colon: "：",
    full_stop: "。",
    ropa_title: "处理活动记录",
    ropa_controller: "控制方：{controller}",
    ropa_controller_parent: "控制方：见上级隐私政策中的规定",
    ropa_role_controller: "控制方",
    ropa_role_processor: "受托处理者",
    col_category: "类别",
    col_role: "角色",
    col_recipients: "接收方",
    col_citation: "法律条文",
};
