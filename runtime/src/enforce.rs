//! The traits through which the type checker enforces a policy, the purpose-typed view of a
//! record, and the proofs sharing requires.
//!
//! Generated code implements [`Permits`] exactly for the (category, purpose) pairs its policy
//! declares and [`ShareWith`] exactly for the (category, recipient) pairs it shares; a
//! category's fields are private and reachable only through [`Use`], which a category's
//! `use_for::<P>()` returns only where it `Permits<P>`.

use crate::descriptor::{BasisDescriptor, CategoryDescriptor, NamedDescriptor, PurposeDescriptor, ShareDescriptor};
use crate::time::Timestamp;
use std::marker::PhantomData;

/// A data category of a policy: a struct with private fields.
pub trait Category {
    /// The struct of its fields, which [`Use`] exposes.
    type Fields;
    /// Its description.
    const DESCRIPTOR: CategoryDescriptor;
}

/// A purpose of processing of a policy.
pub trait Purpose {
    /// The policy declaring it (a type named after the policy), named in compile errors.
    type Policy;
    /// Its description.
    const DESCRIPTOR: PurposeDescriptor;
}

/// A recipient of shared data of a policy.
pub trait Recipient {
    /// The policy declaring it (a type named after the policy), named in compile errors.
    type Policy;
    /// Its description.
    const DESCRIPTOR: NamedDescriptor;
}

/// Implemented exactly for the (category, purpose) pairs the policy declares. `Pol` is the
/// policy and never written out: it is there so a refused use names it.
#[diagnostic::on_unimplemented(
    message = "policy `{Pol}` does not permit using category `{Self}` for purpose `{P}`",
    label = "policy `{Pol}` declares no `use` of `{Self}` for `{P}`",
    note = "declare the use in the policy (`use PURPOSE under BASIS` in the category) or use the data for a purpose it declares"
)]
pub trait Permits<P: Purpose, Pol = <P as Purpose>::Policy>: Category {
    /// The legal basis of this use, the first stated when there are several (`None` when the
    /// organisation is a processor).
    const BASIS: Option<BasisDescriptor>;
    /// Every legal basis stated for this use, in source order (empty for a processor).
    const BASES: &'static [BasisDescriptor];
}

/// Implemented exactly for the (category, recipient) pairs the policy shares. `Pol` is the
/// policy and never written out: it is there so a refused sharing names it.
#[diagnostic::on_unimplemented(
    message = "policy `{Pol}` does not share category `{Self}` with recipient `{R}`",
    label = "policy `{Pol}` has no `share with` of `{Self}` to `{R}`",
    note = "declare the sharing in the policy (`share with RECIPIENT {{ ... }}` in the category)"
)]
pub trait ShareWith<R: Recipient, Pol = <R as Recipient>::Policy>: Category {
    /// Proof of every requirement of the sharing: `()`, one proof, or a tuple of them in the
    /// policy's order.
    type Proof;
    /// What the recipient receives: the shared fields.
    type Payload;
    /// The sharing as declared.
    const SHARE: ShareDescriptor;
    /// The data handed over, against the proof.
    fn payload(&self, proof: Self::Proof) -> Self::Payload;
}

/// [`ShareWith`] from the recipient's side, for every pair that implements it: what a
/// category's `share_with::<R>(proof)` requires of `R`, so that a sharing the policy does not
/// declare is refused with the policy, category and recipient named.
#[diagnostic::on_unimplemented(
    message = "policy `{Pol}` does not share category `{C}` with recipient `{Self}`",
    label = "policy `{Pol}` has no `share with` of `{C}` to `{Self}`",
    note = "declare the sharing in the policy (`share with RECIPIENT {{ ... }}` in the category)"
)]
pub trait ReceivesFrom<C, Pol = <Self as Recipient>::Policy>: Recipient {
    /// [`ShareWith::Proof`].
    type Proof;
    /// [`ShareWith::Payload`].
    type Payload;
    /// [`ShareWith::payload`].
    fn receive(record: &C, proof: Self::Proof) -> Self::Payload;
}

impl<C: ShareWith<R>, R: Recipient> ReceivesFrom<C> for R {
    type Proof = C::Proof;
    type Payload = C::Payload;

    fn receive(record: &C, proof: C::Proof) -> C::Payload {
        record.payload(proof)
    }
}

/// A record of category `C` in use for purpose `P`: dereferences to its fields. Made by the
/// category's `use_for::<P>()`, which compiles only where the policy permits the use; pass it
/// on to code that works for that purpose.
pub struct Use<'a, C: Category, P: Purpose> {
    fields: &'a C::Fields,
    purpose: PhantomData<fn() -> P>,
}

impl<'a, C: Category, P: Purpose> Use<'a, C, P> {
    /// The fields of a record of `C`, for purpose `P`. Generated code calls this; elsewhere
    /// the fields of a category are out of reach, being private.
    pub fn new(fields: &'a C::Fields) -> Self
    where
        C: Permits<P>,
    {
        Use { fields, purpose: PhantomData }
    }
}

impl<C: Category, P: Purpose> Clone for Use<'_, C, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Category, P: Purpose> Copy for Use<'_, C, P> {}

impl<C: Category, P: Purpose> std::ops::Deref for Use<'_, C, P> {
    type Target = C::Fields;

    fn deref(&self) -> &C::Fields {
        self.fields
    }
}

impl<C: Category, P: Purpose> std::fmt::Debug for Use<'_, C, P>
where
    C::Fields: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Use").field(&P::DESCRIPTOR.name).field(self.fields).finish()
    }
}

/// A stored decision of a data subject about sharing with a recipient, as the service keeps
/// it (a row of a consent table, say): what [`Consent::checked_against`] checks.
pub trait ConsentRecord {
    /// Identifies the record (its key), kept in the proof for audit.
    fn id(&self) -> String;
    /// The recipient consented to, as the policy names it (`R::DESCRIPTOR.name`).
    fn recipient(&self) -> &str;
    /// When consent was given, if it was.
    fn given_at(&self) -> Option<Timestamp>;
    /// When consent was withdrawn, if it was (a withdrawal before `given_at` was undone by it).
    fn withdrawn_at(&self) -> Option<Timestamp>;
}

/// Proof that the data subject consented to sharing with recipient `R`, made only by
/// [`Consent::checked_against`] from the consent record it checked.
pub struct Consent<R: Recipient> {
    record: String,
    at: Timestamp,
    recipient: PhantomData<fn() -> R>,
}

// Written out: derives would require `R` to implement the traits too.
impl<R: Recipient> Clone for Consent<R> {
    fn clone(&self) -> Self {
        Consent { record: self.record.clone(), at: self.at, recipient: PhantomData }
    }
}

impl<R: Recipient> PartialEq for Consent<R> {
    fn eq(&self, other: &Self) -> bool {
        (&self.record, self.at) == (&other.record, other.at)
    }
}

impl<R: Recipient> Eq for Consent<R> {}

impl<R: Recipient> std::fmt::Debug for Consent<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consent")
            .field("recipient", &R::DESCRIPTOR.name)
            .field("record", &self.record)
            .field("at", &self.at)
            .finish()
    }
}

/// Why a consent record proves no consent to sharing with a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentError {
    /// The record is about another recipient.
    OtherRecipient {
        /// The recipient the proof is for.
        expected: &'static str,
        /// The recipient of the record.
        found: String,
    },
    /// Consent was never given, or is given only after the instant checked.
    NotGiven,
    /// Consent was withdrawn at this instant.
    Withdrawn(Timestamp),
}

impl std::fmt::Display for ConsentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConsentError::OtherRecipient { expected, found } => {
                write!(f, "the consent record is for recipient `{found}`, not `{expected}`")
            }
            ConsentError::NotGiven => f.write_str("consent was not given"),
            ConsentError::Withdrawn(at) => write!(f, "consent was withdrawn at {at}"),
        }
    }
}

impl std::error::Error for ConsentError {}

impl<R: Recipient> Consent<R> {
    /// The proof of consent to sharing with `R`, if `record` shows it in force at `now`: it
    /// names `R`, was given at or before `now` and not withdrawn since. The one way to make
    /// the proof.
    pub fn checked_against<C: ConsentRecord + ?Sized>(record: &C, now: Timestamp) -> Result<Self, ConsentError> {
        let expected = R::DESCRIPTOR.name;
        if record.recipient() != expected {
            return Err(ConsentError::OtherRecipient { expected, found: record.recipient().to_string() });
        }
        let given = record.given_at().filter(|g| *g <= now).ok_or(ConsentError::NotGiven)?;
        if let Some(w) = record.withdrawn_at().filter(|w| *w >= given && *w <= now) {
            return Err(ConsentError::Withdrawn(w));
        }
        Ok(Consent { record: record.id(), at: given, recipient: PhantomData })
    }

    /// The consent record checked.
    pub fn record(&self) -> &str {
        &self.record
    }

    /// When consent was given.
    pub const fn at(&self) -> Timestamp {
        self.at
    }
}

/// A secret value (a key, a password). `Debug` prints `<redacted>` and there is no `Display`,
/// so it cannot reach a log by accident; [`Secret::expose`] reads it on purpose. It serialises
/// as the plain value, for storage.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::Text;

    struct Trtc;
    impl Recipient for Trtc {
        type Policy = ();
        const DESCRIPTOR: NamedDescriptor = NamedDescriptor { name: "trtc", label: Text(&[]) };
    }

    struct Row(&'static str, Option<i64>, Option<i64>);
    impl ConsentRecord for Row {
        fn id(&self) -> String {
            "consents/7".into()
        }
        fn recipient(&self) -> &str {
            self.0
        }
        fn given_at(&self) -> Option<Timestamp> {
            self.1.map(Timestamp)
        }
        fn withdrawn_at(&self) -> Option<Timestamp> {
            self.2.map(Timestamp)
        }
    }

    #[test]
    fn consent_holds_only_while_given_and_not_withdrawn() {
        let check = |row: Row, now| Consent::<Trtc>::checked_against(&row, Timestamp(now));
        let ok = check(Row("trtc", Some(10), None), 10).unwrap();
        assert_eq!((ok.record(), ok.at()), ("consents/7", Timestamp(10)));
        assert_eq!(check(Row("trtc", Some(10), None), 9), Err(ConsentError::NotGiven), "not yet given");
        assert_eq!(check(Row("trtc", None, None), 9), Err(ConsentError::NotGiven));
        assert_eq!(check(Row("trtc", Some(10), Some(20)), 25), Err(ConsentError::Withdrawn(Timestamp(20))));
        assert!(check(Row("trtc", Some(10), Some(20)), 15).is_ok(), "withdrawn only later");
        assert!(check(Row("trtc", Some(30), Some(20)), 35).is_ok(), "given again after withdrawing");
        let other = check(Row("cos", Some(10), None), 15).unwrap_err();
        assert_eq!(other.to_string(), "the consent record is for recipient `cos`, not `trtc`");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("k3y");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"k3y\"");
        assert_eq!(s.expose(), "k3y");
    }
}
