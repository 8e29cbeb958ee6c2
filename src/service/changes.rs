//! The "changed fields" of an audit record: each field with its old and new value, sensitive
//! values masked (脱敏) before they are written, secrets never written at all.

use serde_json::{Map, Value, json};

use crate::domain::mask::mask_middle;

/// Builds the detail of an audit record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes(Map<String, Value>);

impl Changes {
    #[must_use]
    pub fn new() -> Changes {
        Changes::default()
    }

    /// A field that changed from `old` to `new` (`None` where there was or is no value).
    #[must_use]
    pub fn set(mut self, field: &str, old: Option<&str>, new: Option<&str>) -> Changes {
        self.0.insert(field.to_owned(), json!({ "old": old, "new": new }));
        self
    }

    /// A personal field (ID number, phone, bank card): both values are masked.
    #[must_use]
    pub fn personal(self, field: &str, old: Option<&str>, new: Option<&str>) -> Changes {
        let old = old.map(mask_middle);
        let new = new.map(mask_middle);
        self.set(field, old.as_deref(), new.as_deref())
    }

    /// A secret (password, key): only the fact that it changed is recorded.
    #[must_use]
    pub fn secret(mut self, field: &str) -> Changes {
        self.0.insert(field.to_owned(), json!({ "changed": true }));
        self
    }

    /// A fact about the action that is not a field change (a reference, a count).
    #[must_use]
    pub fn note(mut self, key: &str, value: impl Into<Value>) -> Changes {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    #[must_use]
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_personal_values_and_hides_secrets() {
        let v = Changes::new()
            .set("status", Some("draft"), Some("submitted"))
            .personal("id_number", None, Some("110105199001010020"))
            .secret("password")
            .note("reference", "BANK-1")
            .into_value();
        assert_eq!(v["status"], json!({"old": "draft", "new": "submitted"}));
        assert_eq!(v["id_number"], json!({"old": null, "new": "110105********0020"}));
        assert_eq!(v["password"], json!({"changed": true}));
        assert_eq!(v["reference"], "BANK-1");
        assert!(!v.to_string().contains("199001010020"));
    }
}
