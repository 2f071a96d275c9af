//! `Serialize`/`Deserialize` for generated structs through generic code, written once.
//!
//! `#[derive(Deserialize)]` expands to a visitor, a field enum and its visitor per struct; for
//! thousands of categories that expansion and its type checking was most of rustc's time.
//! Instead each generated struct hands a tuple of its fields to [`serialize_fields`] and takes
//! one from [`deserialize_fields`], which behave as the derives do: a map or a sequence,
//! unknown keys ignored, missing and repeated keys rejected.
//!
//! A tuple holds up to 16 fields; the fields after the sixteenth follow as a seventeenth
//! element, [`More`], holding the next tuple, so a struct may have any number of fields.

use serde::de::{DeserializeSeed, Error as _, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::marker::PhantomData;

/// The fields after the sixteenth of a struct, as a further tuple.
#[derive(Debug)]
pub struct More<T>(pub T);

/// The fields of a generated struct as a tuple of references, in declaration order.
pub trait FieldRefs {
    /// Serialises each field under its name, `names` starting at the first of this tuple.
    fn serialize_into<S: SerializeStruct>(self, st: &mut S, names: &'static [&'static str]) -> Result<(), S::Error>;
}

/// The fields of a generated struct as a tuple of values, in declaration order.
pub trait Fields<'de>: Sized {
    /// One `Option` per field, filled as keys arrive.
    type Slots;
    /// All slots empty.
    fn slots() -> Self::Slots;
    /// Reads the value of field `index` of `names` (an unknown key: any other index) into its
    /// slot.
    fn fill<A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        names: &'static [&'static str],
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// The values, or the first missing field.
    fn finish<E: serde::de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self, E>;
    /// The values from a sequence, in order; `offset` is the position of the first.
    fn from_seq<A: SeqAccess<'de>>(seq: &mut A, offset: usize, expected: &dyn Expected) -> Result<Self, A::Error>;
}

/// Serialises a generated struct `name` whose fields, named `names`, are `values`.
pub fn serialize_fields<S: Serializer, V: FieldRefs>(
    serializer: S,
    name: &'static str,
    names: &'static [&'static str],
    values: V,
) -> Result<S::Ok, S::Error> {
    let mut st = serializer.serialize_struct(name, names.len())?;
    values.serialize_into(&mut st, names)?;
    st.end()
}

/// Deserialises the fields, named `names`, of a generated struct `name`.
pub fn deserialize_fields<'de, D: Deserializer<'de>, T: Fields<'de>>(
    deserializer: D,
    name: &'static str,
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(name, names, StructVisitor { name, names, fields: PhantomData })
}

struct StructVisitor<T> {
    name: &'static str,
    names: &'static [&'static str],
    fields: PhantomData<T>,
}

impl<'de, T: Fields<'de>> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        T::from_seq(&mut seq, 0, &self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::slots();
        while let Some(index) = map.next_key_seed(FieldKey(self.names))? {
            T::fill(&mut slots, index, self.names, &mut map)?;
        }
        T::finish(slots, self.names)
    }
}

/// A key of a struct: the index of its field, or `usize::MAX` for an unknown key.
struct FieldKey(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldKey {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<usize, E> {
        Ok(usize::try_from(v).unwrap_or(usize::MAX))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<usize, E> {
        Ok(self.0.iter().position(|n| *n == v).unwrap_or(usize::MAX))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<usize, E> {
        Ok(self.0.iter().position(|n| n.as_bytes() == v).unwrap_or(usize::MAX))
    }
}

/// Reads the next element of a sequence, the field at `index`.
fn next<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    index: usize,
    expected: &dyn Expected,
) -> Result<T, A::Error> {
    seq.next_element()?.ok_or_else(|| A::Error::invalid_length(index, expected))
}

/// [`FieldRefs`] and [`Fields`] for the tuples of the types `T…` and positions `i…` given,
/// one pair per field.
macro_rules! field_tuple {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Serialize),+> FieldRefs for ($(&$t,)+) {
            fn serialize_into<S: SerializeStruct>(
                self,
                st: &mut S,
                names: &'static [&'static str],
            ) -> Result<(), S::Error> {
                $(st.serialize_field(names[$i], self.$i)?;)+
                Ok(())
            }
        }

        impl<'de, $($t: Deserialize<'de>),+> Fields<'de> for ($($t,)+) {
            type Slots = ($(Option<$t>,)+);

            fn slots() -> Self::Slots {
                ($(Option::<$t>::None,)+)
            }

            fn fill<A: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                names: &'static [&'static str],
                map: &mut A,
            ) -> Result<(), A::Error> {
                match index {
                    $($i => {
                        if slots.$i.is_some() {
                            return Err(A::Error::duplicate_field(names[$i]));
                        }
                        slots.$i = Some(map.next_value()?);
                    })+
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(())
            }

            fn finish<E: serde::de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self, E> {
                Ok(($(slots.$i.ok_or_else(|| E::missing_field(names[$i]))?,)+))
            }

            fn from_seq<A: SeqAccess<'de>>(
                seq: &mut A,
                offset: usize,
                expected: &dyn Expected,
            ) -> Result<Self, A::Error> {
                Ok(($(next::<$t, A>(seq, offset + $i, expected)?,)+))
            }
        }
    };
}

field_tuple!(T0 0);
field_tuple!(T0 0, T1 1);
field_tuple!(T0 0, T1 1, T2 2);
field_tuple!(T0 0, T1 1, T2 2, T3 3);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13, T14 14);
field_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13, T14 14, T15 15);

/// Sixteen fields and a [`More`] with the rest.
macro_rules! field_tuple_more {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Serialize,)+ R: FieldRefs> FieldRefs for ($(&$t,)+ More<R>) {
            fn serialize_into<S: SerializeStruct>(
                self,
                st: &mut S,
                names: &'static [&'static str],
            ) -> Result<(), S::Error> {
                $(st.serialize_field(names[$i], self.$i)?;)+
                self.16.0.serialize_into(st, &names[16..])
            }
        }

        impl<'de, $($t: Deserialize<'de>,)+ R: Fields<'de>> Fields<'de> for ($($t,)+ More<R>) {
            type Slots = ($(Option<$t>,)+ R::Slots);

            fn slots() -> Self::Slots {
                ($(Option::<$t>::None,)+ R::slots())
            }

            fn fill<A: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                names: &'static [&'static str],
                map: &mut A,
            ) -> Result<(), A::Error> {
                match index {
                    $($i => {
                        if slots.$i.is_some() {
                            return Err(A::Error::duplicate_field(names[$i]));
                        }
                        slots.$i = Some(map.next_value()?);
                        Ok(())
                    })+
                    // Unknown keys (`usize::MAX`) go down to the last tuple, which skips them.
                    _ => R::fill(&mut slots.16, index - 16, &names[16..], map),
                }
            }

            fn finish<E: serde::de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self, E> {
                Ok(($(slots.$i.ok_or_else(|| E::missing_field(names[$i]))?,)+ More(R::finish(slots.16, &names[16..])?)))
            }

            fn from_seq<A: SeqAccess<'de>>(
                seq: &mut A,
                offset: usize,
                expected: &dyn Expected,
            ) -> Result<Self, A::Error> {
                Ok(($(next::<$t, A>(seq, offset + $i, expected)?,)+ More(R::from_seq(seq, offset + 16, expected)?)))
            }
        }
    };
}

field_tuple_more!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13, T14 14, T15 15);

/// `Serialize` and `Deserialize` for a generated struct through [`serialize_fields`] and
/// [`deserialize_fields`], with its fields given in chunks of at most 16, `[a, b] [c]`; the
/// struct's inherent `FIELD_NAMES` constant lists their serialised names. For a category,
/// `Type(FieldsPath)`: a tuple struct around the struct of its fields; otherwise `Type`, a
/// struct with those fields.
#[macro_export]
macro_rules! serde_struct {
    ($ty:ident($($fields:ident)::+) $([$($f:ident),+])+) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let fields = &self.0;
                let refs = $crate::__nest!(refs fields; $([$($f),+])+);
                $crate::record::serialize_fields(serializer, stringify!($ty), Self::FIELD_NAMES, refs)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let $crate::__nest!(pat; $([$($f),+])+) =
                    $crate::record::deserialize_fields(deserializer, stringify!($ty), Self::FIELD_NAMES)?;
                ::std::result::Result::Ok($ty($($fields)::+ { $($($f),+),+ }))
            }
        }
    };
    ($ty:ident $([$($f:ident),+])+) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let fields = self;
                let refs = $crate::__nest!(refs fields; $([$($f),+])+);
                $crate::record::serialize_fields(serializer, stringify!($ty), Self::FIELD_NAMES, refs)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let $crate::__nest!(pat; $([$($f),+])+) =
                    $crate::record::deserialize_fields(deserializer, stringify!($ty), Self::FIELD_NAMES)?;
                ::std::result::Result::Ok($ty { $($($f),+),+ })
            }
        }
    };
}

/// The tuple of [`serde_struct!`] for chunks of fields: references to the fields of `$s`
/// (`refs`), or a pattern binding them (`pat`), the chunks after the first in [`More`].
#[doc(hidden)]
#[macro_export]
macro_rules! __nest {
    (refs $s:ident; [$($f:ident),+]) => { ($(&$s.$f,)+) };
    (refs $s:ident; [$($f:ident),+] $($rest:tt)+) => {
        ($(&$s.$f,)+ $crate::record::More($crate::__nest!(refs $s; $($rest)+)))
    };
    (pat; [$($f:ident),+]) => { ($($f,)+) };
    (pat; [$($f:ident),+] $($rest:tt)+) => {
        ($($f,)+ $crate::record::More($crate::__nest!(pat; $($rest)+)))
    };
}

#[cfg(test)]
mod tests {
    /// A struct of 20 fields, the way generated code declares its serde impls.
    #[derive(Debug, PartialEq)]
    struct Wide {
        a: u32,
        b: u32,
        c: u32,
        d: u32,
        e: u32,
        f: u32,
        g: u32,
        h: u32,
        i: u32,
        j: u32,
        k: u32,
        l: u32,
        m: u32,
        n: u32,
        o: u32,
        p: u32,
        q: u32,
        r: u32,
        s: u32,
        r#t: u32,
    }

    impl Wide {
        const FIELD_NAMES: &[&str] =
            &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"];
    }

    crate::serde_struct!(Wide [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] [q, r, s, r#t]);

    /// A category: its fields behind a private tuple field.
    #[derive(Debug, PartialEq)]
    struct Category(Wide);

    impl Category {
        const FIELD_NAMES: &[&str] = Wide::FIELD_NAMES;
    }

    crate::serde_struct!(Category(Wide) [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] [q, r, s, r#t]);

    fn wide() -> Wide {
        Wide {
            a: 0,
            b: 1,
            c: 2,
            d: 3,
            e: 4,
            f: 5,
            g: 6,
            h: 7,
            i: 8,
            j: 9,
            k: 10,
            l: 11,
            m: 12,
            n: 13,
            o: 14,
            p: 15,
            q: 16,
            r: 17,
            s: 18,
            t: 19,
        }
    }

    #[test]
    fn wide_structs_read_back_as_the_derives_would() {
        let w = wide();
        let json = serde_json::to_string(&w).unwrap();
        assert!(json.starts_with(r#"{"a":0,"b":1,"#) && json.ends_with(r#""s":18,"t":19}"#), "{json}");
        assert_eq!(serde_json::from_str::<Wide>(&json).unwrap(), w);
        let seq = serde_json::to_string(&(0..20).collect::<Vec<u32>>()).unwrap();
        assert_eq!(serde_json::from_str::<Wide>(&seq).unwrap(), w, "a sequence in field order");

        let extra = json.replace(r#""t":19"#, r#""t":19,"zz":[1,2]"#);
        assert_eq!(serde_json::from_str::<Wide>(&extra).unwrap(), w, "unknown keys are ignored");
        let missing = serde_json::from_str::<Wide>(&json.replace(r#","r":17"#, "")).unwrap_err();
        assert!(missing.to_string().contains("missing field `r`"), "{missing}");
        let twice = serde_json::from_str::<Wide>(&json.replace(r#""t":19"#, r#""t":19,"q":1"#)).unwrap_err();
        assert!(twice.to_string().contains("duplicate field `q`"), "{twice}");
        let short = serde_json::from_str::<Wide>(&serde_json::to_string(&[0; 18]).unwrap()).unwrap_err();
        assert!(short.to_string().contains("invalid length 18, expected struct Wide"), "{short}");

        let c = Category(wide());
        assert_eq!(serde_json::to_string(&c).unwrap(), json, "a category serialises as its fields");
        assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
    }
}
