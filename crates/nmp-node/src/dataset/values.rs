//! The value index of a dataset: the salted hashes of the values of its restricted and
//! `egress_values` columns, built when the dataset is committed, that the egress filter blocks
//! in any output of a job reading the dataset.

use std::sync::Arc;

use nmp_dataset::Table;
use nmp_egress::ValueIndex;

use super::{Dataset, DatasetError};

impl Dataset {
    /// Also index the values of these columns (matched by name, ASCII case-insensitively),
    /// whether or not the egress filter restricts their names: for example a `name` or `email`
    /// column. Defaults to none.
    pub fn with_value_columns(mut self, columns: Vec<String>) -> Self {
        self.value_columns = columns;
        self
    }

    /// The columns indexed beyond the restricted ones ([`Dataset::with_value_columns`]).
    pub fn value_columns(&self) -> &[String] {
        &self.value_columns
    }

    /// The value index attached by [`Dataset::indexed`], if any.
    pub fn values(&self) -> Option<&ValueIndex> {
        self.values.as_deref()
    }

    /// This dataset with a fresh index of the values of its indexed columns: those whose name
    /// `restricted` accepts (the columns the node publishes as restricted) and its
    /// [value columns](Dataset::with_value_columns). Reads the dataset's files as
    /// [`Dataset::described`] does. Values too short, too long or too common to identify anyone
    /// are left out (see [`nmp_egress::ValueIndex`]).
    ///
    /// Fails when a file cannot be read or decoded, or the columns hold more than
    /// [`nmp_egress::MAX_FORM_OCCURRENCES`] value forms. 8.5 bytes per distinct form once
    /// built.
    pub fn indexed(&self, restricted: impl Fn(&str) -> bool) -> Result<Self, DatasetError> {
        self.described(restricted).map(|(dataset, _)| dataset)
    }

    /// This dataset [indexed](Dataset::indexed), and its schema and row count, in one pass
    /// over its files ([`nmp_dataset::describe`] for its [kind](Dataset::kind)).
    pub fn described(
        &self,
        restricted: impl Fn(&str) -> bool,
    ) -> Result<(Self, Table), DatasetError> {
        let mut builder = ValueIndex::builder();
        let indexed = |column: &str| restricted(column) || self.is_value_column(column);
        let table = nmp_dataset::describe(self.kind, &self.path, &indexed, &mut builder).map_err(
            |source| DatasetError::Describe {
                name: self.name.clone(),
                source,
            },
        )?;
        let mut dataset = self.clone();
        dataset.values = Some(Arc::new(builder.build(table.rows)));
        Ok((dataset, table))
    }

    fn is_value_column(&self, name: &str) -> bool {
        self.value_columns
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use nmp_egress::{Config, Scanner, Verdict};

    use super::*;

    #[test]
    fn indexes_restricted_and_value_columns_but_not_common_values() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("ssn,name,diagnosis\n");
        for i in 0..20 {
            csv.push_str(&format!("100-20-{:04},Ann Lee{i},flu shot\n", 3000 + i));
        }
        fs::write(dir.path().join("p.csv"), csv).unwrap();
        let dataset = Dataset::new("p", dir.path())
            .unwrap()
            .with_value_columns(vec!["NAME".into(), "diagnosis".into()])
            .indexed(|c| c == "ssn")
            .unwrap();
        let index = dataset.values().unwrap();
        // 20 SSNs, 20 names; "flu shot" is in every row.
        assert_eq!((index.len(), index.common()), (40, 20));
        let scanner = Scanner::new(Config::default()).unwrap();
        let scan = |text: &str| scanner.scan_with(text.as_bytes(), &[index]).verdict;
        assert_eq!(scan(r#"{"v": "3003-02-001"}"#), Verdict::Blocked);
        assert_eq!(scan(r#"{"who": "ann lee 7"}"#), Verdict::Blocked);
        assert_eq!(scan(r#"{"top": "flu shot", "n": 20}"#), Verdict::Pass);
    }

    #[test]
    fn a_dataset_without_indexed_columns_has_an_empty_index() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "city,n\nRiverton,4\n").unwrap();
        let dataset = Dataset::new("a", dir.path()).unwrap();
        assert!(dataset.values().is_none());
        let indexed = dataset.indexed(|_| false).unwrap();
        assert!(indexed.values().unwrap().is_empty());
        assert_eq!(indexed, dataset);
    }
}
