//! The fixed part of every generated file: time arithmetic (a copy of [`crate::semantics`]),
//! the secret wrapper, proof tokens, descriptor types, the traits the policy is enforced by,
//! generic serde code for the generated structs and, for policies using Redis, its command
//! builders. Emitted verbatim so the generated file needs nothing but `serde`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Items that do not depend on the policy, and the serde support for structs of the field
/// counts in `arities`.
pub fn tokens(arities: &std::collections::BTreeSet<usize>) -> TokenStream {
    let time = time();
    let descriptors = descriptors();
    let traits = traits();
    let serde = serde_support(arities);
    quote! { #time #descriptors #traits #serde }
}

/// `Serialize`/`Deserialize` for the generated structs through generic code, written once.
///
/// `#[derive(Deserialize)]` expands to a visitor, a field enum and its visitor per struct; for
/// thousands of categories that expansion and its type and borrow checking was most of
/// rustc's time. Here each struct only lists its field names and hands a tuple of its fields
/// to `serialize_fields`/`deserialize_fields`, which behave as the derive does: a map or a
/// sequence, unknown keys ignored, missing and repeated keys rejected.
fn serde_support(arities: &std::collections::BTreeSet<usize>) -> TokenStream {
    // The checker gives every category a field and every partial share a listed one, so
    // there is no empty struct to cover.
    let impls = arities.iter().filter(|&&n| n > 0).map(|&n| {
        let fields = (0..n).map(|i| {
            let (t, v, i) = (format_ident!("T{i}"), format_ident!("v{i}"), Literal::usize_unsuffixed(i));
            quote!(#t #i #v)
        });
        quote!(field_tuple!(#(#fields),*);)
    });
    let field_tuple = quote! {
        /// [`FieldRefs`] and [`Fields`] for the tuples of the types `T…`, fields `i…` and
        /// variables `v…` given, one triple per field.
        macro_rules! field_tuple {
            ($($t:ident $i:tt $v:ident),+) => {
                impl<$($t: ::serde::Serialize),+> FieldRefs for ($(&$t,)+) {
                    fn serialize_into<S: ::serde::ser::SerializeStruct>(
                        self,
                        st: &mut S,
                        names: &'static [&'static str],
                    ) -> ::std::result::Result<(), S::Error> {
                        $(st.serialize_field(names[$i], self.$i)?;)+
                        Ok(())
                    }
                }

                impl<'de, $($t: ::serde::Deserialize<'de>),+> Fields<'de> for ($($t,)+) {
                    type Slots = ($(Option<$t>,)+);

                    fn slots() -> Self::Slots {
                        ($(Option::<$t>::None,)+)
                    }

                    fn fill<A: ::serde::de::MapAccess<'de>>(
                        slots: &mut Self::Slots,
                        index: usize,
                        names: &'static [&'static str],
                        map: &mut A,
                    ) -> ::std::result::Result<(), A::Error> {
                        match index {
                            $($i => {
                                if slots.$i.is_some() {
                                    return Err(<A::Error as ::serde::de::Error>::duplicate_field(names[$i]));
                                }
                                slots.$i = Some(map.next_value()?);
                            })+
                            _ => {
                                map.next_value::<::serde::de::IgnoredAny>()?;
                            }
                        }
                        Ok(())
                    }

                    fn finish<E: ::serde::de::Error>(
                        slots: Self::Slots,
                        names: &'static [&'static str],
                    ) -> ::std::result::Result<Self, E> {
                        Ok(($(slots.$i.ok_or_else(|| E::missing_field(names[$i]))?,)+))
                    }

                    fn from_seq<A: ::serde::de::SeqAccess<'de>>(
                        seq: &mut A,
                        expected: &dyn ::serde::de::Expected,
                    ) -> ::std::result::Result<Self, A::Error> {
                        $(let $v = seq
                            .next_element()?
                            .ok_or_else(|| <A::Error as ::serde::de::Error>::invalid_length($i, expected))?;)+
                        Ok(($($v,)+))
                    }
                }
            };
        }
    };
    quote! {
        /// The fields of a generated struct as a tuple of references, in declaration order.
        #[doc(hidden)]
        pub trait FieldRefs {
            /// Serialises each field under its name.
            fn serialize_into<S: ::serde::ser::SerializeStruct>(
                self,
                st: &mut S,
                names: &'static [&'static str],
            ) -> ::std::result::Result<(), S::Error>;
        }

        /// The fields of a generated struct as a tuple of values, in declaration order.
        #[doc(hidden)]
        pub trait Fields<'de>: Sized {
            /// One `Option` per field, filled as keys arrive.
            type Slots;
            /// All slots empty.
            fn slots() -> Self::Slots;
            /// Reads the value of field `index` (unknown keys: any other index) into its slot.
            fn fill<A: ::serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                names: &'static [&'static str],
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error>;
            /// The values, or the first missing field.
            fn finish<E: ::serde::de::Error>(
                slots: Self::Slots,
                names: &'static [&'static str],
            ) -> ::std::result::Result<Self, E>;
            /// The values from a sequence, in order.
            fn from_seq<A: ::serde::de::SeqAccess<'de>>(
                seq: &mut A,
                expected: &dyn ::serde::de::Expected,
            ) -> ::std::result::Result<Self, A::Error>;
        }

        /// Serialises a generated struct `name` whose fields, named `names`, are `values`.
        #[doc(hidden)]
        pub fn serialize_fields<S: ::serde::Serializer, V: FieldRefs>(
            serializer: S,
            name: &'static str,
            names: &'static [&'static str],
            values: V,
        ) -> ::std::result::Result<S::Ok, S::Error> {
            let mut st = ::serde::Serializer::serialize_struct(serializer, name, names.len())?;
            values.serialize_into(&mut st, names)?;
            ::serde::ser::SerializeStruct::end(st)
        }

        /// Deserialises the fields, named `names`, of a generated struct `name`.
        #[doc(hidden)]
        pub fn deserialize_fields<'de, D: ::serde::Deserializer<'de>, T: Fields<'de>>(
            deserializer: D,
            name: &'static str,
            names: &'static [&'static str],
        ) -> ::std::result::Result<T, D::Error> {
            deserializer.deserialize_struct(name, names, StructVisitor { name, names, fields: ::std::marker::PhantomData })
        }

        struct StructVisitor<T> {
            name: &'static str,
            names: &'static [&'static str],
            fields: ::std::marker::PhantomData<T>,
        }

        impl<'de, T: Fields<'de>> ::serde::de::Visitor<'de> for StructVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "struct {}", self.name)
            }

            fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> ::std::result::Result<T, A::Error> {
                T::from_seq(&mut seq, &self)
            }

            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<T, A::Error> {
                let mut slots = T::slots();
                while let Some(index) = map.next_key_seed(FieldKey(self.names))? {
                    T::fill(&mut slots, index, self.names, &mut map)?;
                }
                T::finish(slots, self.names)
            }
        }

        /// A key of a struct: the index of its field, or `usize::MAX` for an unknown key.
        struct FieldKey(&'static [&'static str]);

        impl<'de> ::serde::de::DeserializeSeed<'de> for FieldKey {
            type Value = usize;

            fn deserialize<D: ::serde::Deserializer<'de>>(self, d: D) -> ::std::result::Result<usize, D::Error> {
                d.deserialize_identifier(self)
            }
        }

        impl ::serde::de::Visitor<'_> for FieldKey {
            type Value = usize;

            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("field identifier")
            }

            fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> ::std::result::Result<usize, E> {
                Ok(usize::try_from(v).unwrap_or(usize::MAX))
            }

            fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<usize, E> {
                Ok(self.0.iter().position(|n| *n == v).unwrap_or(usize::MAX))
            }

            fn visit_bytes<E: ::serde::de::Error>(self, v: &[u8]) -> ::std::result::Result<usize, E> {
                Ok(self.0.iter().position(|n| n.as_bytes() == v).unwrap_or(usize::MAX))
            }
        }

        #field_tuple
        #(#impls)*
    }
}

/// Instants, durations and calendar arithmetic: must stay identical to `src/semantics.rs`
/// (the shared vectors in `tests/vectors/time.json` check both).
fn time() -> TokenStream {
    quote! {
        /// An instant in UTC, in seconds since 1970-01-01T00:00:00Z (serialised as that number).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct Timestamp(pub i64);

        impl Timestamp {
            /// The instant `secs` seconds after the Unix epoch.
            pub const fn from_unix(secs: i64) -> Self {
                Timestamp(secs)
            }

            /// Seconds since the Unix epoch.
            pub const fn unix(self) -> i64 {
                self.0
            }

            /// The instant at a civil date and time in UTC, or `None` if there is no such time.
            pub fn from_civil(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
                if !(1..=12).contains(&month)
                    || day == 0
                    || day > days_in_month(year, month)
                    || hour > 23
                    || minute > 59
                    || second > 59
                {
                    return None;
                }
                let secs = i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
                Some(Timestamp(days_from_civil(year, month, day) * 86_400 + secs))
            }

            /// This instant plus `d`: hours, days and weeks are fixed lengths; months and years
            /// move the calendar date, clamping the day to the end of a shorter month.
            /// Saturates at the ends of the `i64` range instead of overflowing.
            pub fn plus(self, d: Duration) -> Self {
                let n = i64::from(d.amount);
                Timestamp(match d.unit {
                    Unit::Hours => self.0.saturating_add(n * 3_600),
                    Unit::Days => self.0.saturating_add(n * 86_400),
                    Unit::Weeks => self.0.saturating_add(n * 7 * 86_400),
                    Unit::Months => add_months(self.0, n),
                    Unit::Years => add_months(self.0, n * 12),
                })
            }

            /// The earliest of the instants that are present, if any.
            pub fn earliest(instants: &[Option<Timestamp>]) -> Option<Timestamp> {
                instants.iter().flatten().copied().min()
            }
        }

        impl ::std::fmt::Display for Timestamp {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
                let s = self.0.rem_euclid(86_400);
                write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3_600, s / 60 % 60, s % 60)
            }
        }

        impl ::std::str::FromStr for Timestamp {
            type Err = ParseTimestampError;

            /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim().trim_end_matches('Z');
                let (date, time) = match s.split_once(['T', ' ']) {
                    Some((d, t)) => (d, Some(t)),
                    None => (s, None),
                };
                let mut dp = date.splitn(3, '-');
                let num = |it: &mut ::std::str::SplitN<'_, char>| -> Result<i64, ParseTimestampError> {
                    it.next().and_then(|p| p.parse().ok()).ok_or(ParseTimestampError)
                };
                let y = num(&mut dp)?;
                let m = u32::try_from(num(&mut dp)?).map_err(|_| ParseTimestampError)?;
                let d = u32::try_from(num(&mut dp)?).map_err(|_| ParseTimestampError)?;
                let (h, mi, se) = match time {
                    None => (0, 0, 0),
                    Some(t) => {
                        let mut tp = t.splitn(3, ':');
                        let h = tp.next().and_then(|p| p.parse().ok()).ok_or(ParseTimestampError)?;
                        let mi = tp.next().and_then(|p| p.parse().ok()).ok_or(ParseTimestampError)?;
                        let se = tp.next().unwrap_or("0").parse().map_err(|_| ParseTimestampError)?;
                        (h, mi, se)
                    }
                };
                Timestamp::from_civil(y, m, d, h, mi, se).ok_or(ParseTimestampError)
            }
        }

        /// A string that is not `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct ParseTimestampError;

        impl ::std::fmt::Display for ParseTimestampError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("expected `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`")
            }
        }

        impl ::std::error::Error for ParseTimestampError {}

        /// A calendar date, in days since 1970-01-01 (serialised as that number).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct Date(pub i64);

        impl Date {
            /// The date `year-month-day`, or `None` if there is no such date.
            pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
                if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
                    return None;
                }
                Some(Date(days_from_civil(year, month, day)))
            }
        }

        impl ::std::fmt::Display for Date {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let (y, m, d) = civil_from_days(self.0);
                write!(f, "{y:04}-{m:02}-{d:02}")
            }
        }

        /// A length of time in one unit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Duration {
            /// How many units.
            pub amount: u32,
            /// Which unit.
            pub unit: Unit,
        }

        /// Units of time.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Unit {
            /// 3,600 seconds.
            Hours,
            /// 86,400 seconds (UTC has no daylight-saving shifts).
            Days,
            /// 7 days.
            Weeks,
            /// Calendar months, clamped to the end of a shorter month.
            Months,
            /// 12 calendar months.
            Years,
        }

        fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
            let y = if m <= 2 { y - 1 } else { y };
            let era = y.div_euclid(400);
            let yoe = y - era * 400;
            let m = i64::from(m);
            let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            era * 146_097 + doe - 719_468
        }

        fn civil_from_days(z: i64) -> (i64, u32, u32) {
            let z = z + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
            let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
            (yoe + era * 400 + i64::from(m <= 2), m, d)
        }

        fn days_in_month(y: i64, m: u32) -> u32 {
            match m {
                2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            }
        }

        fn add_months(t: i64, months: i64) -> i64 {
            let saturated = if months < 0 { i64::MIN } else { i64::MAX };
            // Far beyond any calendar the day arithmetic itself overflows: average months.
            if !(-(1i64 << 62)..(1i64 << 62)).contains(&t) || !(-(1i64 << 40)..(1i64 << 40)).contains(&months) {
                return t.saturating_add(months.saturating_mul(2_629_746));
            }
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            let total = y * 12 + i64::from(m) - 1 + months;
            let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
            days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
                .checked_mul(86_400)
                .and_then(|x| x.checked_add(t.rem_euclid(86_400)))
                .unwrap_or(saturated)
        }

        /// A secret value (a key, a password). `Debug` prints `<redacted>` and there is no
        /// `Display`, so it cannot reach a log by accident; [`Secret::expose`] reads it on purpose.
        /// It serialises as the plain value, for storage.
        #[derive(Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct Secret(String);

        impl Secret {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Secret(value.into())
            }

            /// The secret value itself.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for Secret {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("<redacted>")
            }
        }
    }
}

/// The static description of a policy.
fn descriptors() -> TokenStream {
    quote! {
        /// Localised text: `(locale, text)` pairs in the policy's locale order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Text(pub &'static [(&'static str, &'static str)]);

        impl Text {
            /// The text in `locale`, if the policy has that locale.
            pub fn get(&self, locale: &str) -> Option<&'static str> {
                self.0.iter().find(|(l, _)| *l == locale).map(|(_, t)| *t)
            }
        }

        /// The whole policy, for introspection.
        #[derive(Debug, Clone, Copy)]
        pub struct PolicyDescriptor {
            /// Policy id.
            pub id: &'static str,
            /// Version string.
            pub version: &'static str,
            /// Effective date, `YYYY-MM-DD`.
            pub effective: &'static str,
            /// File name of the policy source.
            pub source: &'static str,
            /// Declared locales.
            pub locales: &'static [&'static str],
            /// The default locale.
            pub default_locale: &'static str,
            /// Title.
            pub title: Text,
            /// Storage systems.
            pub stores: &'static [StoreDescriptor],
            /// Purposes.
            pub purposes: &'static [PurposeDescriptor],
            /// Legal bases.
            pub bases: &'static [BasisDescriptor],
            /// Recipients of shared data.
            pub recipients: &'static [NamedDescriptor],
            /// Conditions of sharing.
            pub conditions: &'static [NamedDescriptor],
            /// Lifecycle events.
            pub events: &'static [NamedDescriptor],
            /// Data categories.
            pub categories: &'static [CategoryDescriptor],
        }

        impl PolicyDescriptor {
            /// The category named `name`.
            pub fn category(&self, name: &str) -> Option<&'static CategoryDescriptor> {
                self.categories.iter().find(|c| c.name == name)
            }
        }

        /// A named item with a label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct NamedDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// Label.
            pub label: Text,
        }

        /// A storage system.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct StoreDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// Engine keyword (`postgres`, `mysql`, `redis`, ...).
            pub kind: &'static str,
            /// Display name.
            pub display: Text,
        }

        /// A purpose of processing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct PurposeDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// Label.
            pub label: Text,
        }

        /// A legal basis.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct BasisDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// The ground it rests on.
            pub kind: BasisKind,
            /// How it is stated to the reader.
            pub label: Text,
            /// Legal citation.
            pub citation: &'static str,
        }

        /// Grounds of processing (GDPR Art. 6(1), PIPL Art. 13).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BasisKind {
            /// Consent.
            Consent,
            /// Necessary for a contract with the data subject.
            Contract,
            /// A legal obligation.
            LegalObligation,
            /// Vital interests.
            VitalInterests,
            /// A task in the public interest.
            PublicTask,
            /// Legitimate interests.
            LegitimateInterests,
            /// News reporting in the public interest.
            PublicInterestReporting,
            /// Information already lawfully made public.
            PublicInformation,
            /// Other grounds set by law.
            OtherLegal,
        }

        /// The organisation's role for a category.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Role {
            /// Decides purposes and means.
            Controller,
            /// Acts on the customer's instructions.
            Processor,
        }

        /// A data category.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct CategoryDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// Label.
            pub label: Text,
            /// The organisation's role.
            pub role: Role,
            /// Fields.
            pub fields: &'static [FieldDescriptor],
            /// Purposes with their legal bases.
            pub uses: &'static [UseDescriptor],
            /// Sharing.
            pub shares: &'static [ShareDescriptor],
            /// Stores holding the data.
            pub stores: &'static [&'static str],
            /// How long the data is kept.
            pub retention: Retention,
        }

        /// A field of a category.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct FieldDescriptor {
            /// Identifier in the policy.
            pub name: &'static str,
            /// Type.
            pub kind: FieldKind,
            /// Label.
            pub label: Text,
            /// A special category of personal information.
            pub sensitive: bool,
            /// Technical field not listed in documents.
            pub internal: bool,
        }

        impl FieldDescriptor {
            /// A field that is neither sensitive nor internal.
            pub const fn new(name: &'static str, kind: FieldKind, label: Text) -> Self {
                FieldDescriptor { name, kind, label, sensitive: false, internal: false }
            }

            /// This field, marked sensitive.
            pub const fn sensitive(self) -> Self {
                FieldDescriptor { sensitive: true, ..self }
            }

            /// This field, marked internal.
            pub const fn internal(self) -> Self {
                FieldDescriptor { internal: true, ..self }
            }
        }

        /// Field types.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum FieldKind {
            /// Text.
            String,
            /// An IP address.
            Ip,
            /// An instant.
            Timestamp,
            /// A date.
            Date,
            /// True or false.
            Bool,
            /// A whole number.
            Integer,
            /// A decimal number.
            Decimal,
            /// A URL.
            Url,
            /// An e-mail address.
            Email,
            /// A secret.
            Secret,
            /// One of these variants.
            Enum(&'static [&'static str]),
        }

        /// A purpose a category is used for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct UseDescriptor {
            /// The purpose.
            pub purpose: &'static str,
            /// The legal basis (`None` when the organisation is a processor).
            pub basis: Option<&'static str>,
        }

        /// Sharing with a recipient.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct ShareDescriptor {
            /// The recipient.
            pub recipient: &'static str,
            /// Fields shared; empty means the whole category.
            pub fields: &'static [&'static str],
            /// All of these must hold before data is shared.
            pub requires: &'static [Requirement],
        }

        /// A condition of sharing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Requirement {
            /// The data subject consents.
            Consent,
            /// The named condition holds.
            Condition(&'static str),
        }

        /// A retention rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Retention {
            /// Processed in transit only: gone at collection.
            NotStored,
            /// Kept without limit.
            Indefinite,
            /// Gone when the earliest clock ends.
            Expires {
                /// At least one clock.
                clocks: &'static [Clock],
            },
        }

        /// One clock of a retention rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Clock {
            /// How long it runs.
            pub duration: Duration,
            /// What starts it.
            pub anchor: Anchor,
            /// True if the duration is an upper bound rather than an exact period.
            pub at_most: bool,
        }

        /// What starts a retention clock.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Anchor {
            /// The collection instant.
            Collection,
            /// The earliest of these lifecycle events that has happened.
            Events(&'static [&'static str]),
        }

        impl Retention {
            /// The instant after which a record collected at `collected_at`, with these
            /// lifecycle events, must be gone; `None` while it may be kept. The earliest end of
            /// the clocks that run; an event clock runs from the earliest of its events.
            pub fn expires_at(&self, collected_at: Timestamp, events: &Events) -> Option<Timestamp> {
                match self {
                    Retention::NotStored => Some(collected_at),
                    Retention::Indefinite => None,
                    Retention::Expires { clocks } => clocks
                        .iter()
                        .filter_map(|c| {
                            let start = match c.anchor {
                                Anchor::Collection => Some(collected_at),
                                Anchor::Events(names) => names.iter().filter_map(|e| events.get(e)).min(),
                            }?;
                            Some(start.plus(c.duration))
                        })
                        .min(),
                }
            }
        }
    }
}

/// Client-agnostic Redis command builders, emitted when a category is stored in Redis: the
/// generated file stays dependency-free, and any client sends the arguments as they are.
pub fn redis() -> TokenStream {
    let hold = crate::capability::LEGAL_HOLD_SET;
    quote! {
        /// The Redis set listing keys under legal hold (`SISMEMBER` it before a write): a held
        /// key is written without expiry and is never given one, as `stores/redis.json` and
        /// `policyc verify --redis-url` treat it.
        pub const REDIS_LEGAL_HOLD_SET: &str = #hold;

        /// `SET key value [PXAT ms]`: writes `value` to expire at `expires_at` (milliseconds of
        /// that whole second). Without `PXAT`, so the key never expires, when `expires_at` is
        /// `None` (no clock runs yet, or the rule keeps data indefinitely) or when `held` (the
        /// key is in [`REDIS_LEGAL_HOLD_SET`]). An instant already past makes Redis delete the
        /// key at once, which is what the policy asks of a record whose time is up.
        pub fn redis_set_args(
            key: impl AsRef<[u8]>,
            value: impl AsRef<[u8]>,
            expires_at: Option<Timestamp>,
            held: bool,
        ) -> Vec<Vec<u8>> {
            let mut args = vec![b"SET".to_vec(), key.as_ref().to_vec(), value.as_ref().to_vec()];
            if let (Some(at), false) = (expires_at, held) {
                args.push(b"PXAT".to_vec());
                args.push(redis_millis(at));
            }
            args
        }

        /// `PEXPIREAT key ms LT` for an existing key, when a lifecycle event starts a clock:
        /// `LT` keeps an earlier expiry the key already has and sets one on a key without any
        /// (Redis 7.0 or later). `None` when there is nothing to set: no expiry, or `held`.
        pub fn redis_pexpireat_args(
            key: impl AsRef<[u8]>,
            expires_at: Option<Timestamp>,
            held: bool,
        ) -> Option<Vec<Vec<u8>>> {
            let at = expires_at.filter(|_| !held)?;
            Some(vec![b"PEXPIREAT".to_vec(), key.as_ref().to_vec(), redis_millis(at), b"LT".to_vec()])
        }

        /// Milliseconds since the epoch, at least 1: Redis rejects a non-positive expiry time,
        /// and 1 ms is as much in the past as any earlier instant.
        fn redis_millis(at: Timestamp) -> Vec<u8> {
            at.unix().saturating_mul(1_000).max(1).to_string().into_bytes()
        }
    }
}

/// The traits and proof tokens through which the type checker enforces the policy.
fn traits() -> TokenStream {
    quote! {
        /// `Serialize` and `Deserialize` for a generated struct with these fields, under the
        /// names in its `FIELD_NAMES`; the first tokens are the path to this module.
        macro_rules! serde_fields {
            ([$($r:ident)*] $ty:ident { $($field:ident),* }) => {
                impl ::serde::Serialize for $ty {
                    fn serialize<S: ::serde::Serializer>(
                        &self,
                        serializer: S,
                    ) -> ::std::result::Result<S::Ok, S::Error> {
                        $($r::)* serialize_fields(serializer, stringify!($ty), Self::FIELD_NAMES, ($(&self.$field,)*))
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for $ty {
                    fn deserialize<D: ::serde::Deserializer<'de>>(
                        deserializer: D,
                    ) -> ::std::result::Result<Self, D::Error> {
                        let ($($field,)*) =
                            $($r::)* deserialize_fields(deserializer, stringify!($ty), Self::FIELD_NAMES)?;
                        Ok($ty { $($field),* })
                    }
                }
            };
        }

        /// A data category of the policy.
        pub trait Category {
            /// Its description.
            const DESCRIPTOR: CategoryDescriptor;
        }

        /// A purpose of processing.
        pub trait Purpose {
            /// Its description.
            const DESCRIPTOR: PurposeDescriptor;
        }

        /// Implemented exactly for the (category, purpose) pairs the policy declares.
        #[diagnostic::on_unimplemented(
            message = "the policy does not permit using `{Self}` for `{P}`",
            label = "no `use` of this category for this purpose in the policy",
            note = "declare the use in the policy (`use PURPOSE under BASIS`) or use the data for a declared purpose"
        )]
        pub trait Permits<P: Purpose>: Category {
            /// The legal basis of this use, the first stated when there are several (`None`
            /// when the organisation is a processor).
            const BASIS: Option<BasisDescriptor>;
            /// Every legal basis stated for this use, in source order (empty for a processor).
            const BASES: &'static [BasisDescriptor];
        }

        /// A recipient of shared data.
        pub trait Recipient {
            /// Its description.
            const DESCRIPTOR: NamedDescriptor;
        }

        /// Implemented exactly for the (category, recipient) pairs the policy shares.
        #[diagnostic::on_unimplemented(
            message = "the policy does not share `{Self}` with `{R}`",
            label = "no `share with` for this recipient in this category",
            note = "declare the sharing in the policy (`share with RECIPIENT {{ ... }}`)"
        )]
        pub trait ShareWith<R: Recipient>: Category {
            /// Proof of every requirement of the sharing: `()`, one proof, or a tuple of them
            /// in the policy's order.
            type Proof;
            /// What the recipient receives: the shared fields.
            type Payload;
            /// The sharing as declared.
            const SHARE: ShareDescriptor;
            /// The data handed over.
            fn payload(&self) -> Self::Payload;
        }

        /// Proof that the data subject consented to sharing with recipient `R`. It can only be
        /// made explicitly, with [`Consent::given`], where the consent is known.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Consent<R: Recipient> {
            at: Timestamp,
            recipient: ::std::marker::PhantomData<R>,
        }

        impl<R: Recipient> Consent<R> {
            /// Records that consent was given at `at`.
            pub const fn given(at: Timestamp) -> Self {
                Consent { at, recipient: ::std::marker::PhantomData }
            }

            /// When consent was given.
            pub const fn at(&self) -> Timestamp {
                self.at
            }
        }
    }
}
