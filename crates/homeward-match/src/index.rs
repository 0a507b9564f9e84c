//! The online index: add people one at a time, query one record against everything.
//! `Send + Sync`; share it behind an `RwLock` (queries take `&self`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::block;
use crate::compare::compare;
use crate::model::{FieldExplanation, KeyCounts, Model};
use crate::record::{FieldError, PersonRecord, Prepared, prepare};

/// Blocks bigger than this are skipped at query time (a very common name pair); other keys of
/// the query still find the person.
const QUERY_BLOCK_CAP: usize = 200;
/// Most candidates scored per query: the smallest (most specific) blocks are taken first.
const QUERY_BUDGET: usize = 600;

/// One result of a query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Id of the indexed record.
    pub record_id: String,
    /// Calibrated match probability.
    pub probability: f64,
    /// One-line explanation, field by field.
    pub explanation: String,
    /// The same, structured.
    pub fields: Vec<FieldExplanation>,
}

/// An in-memory index of person records.
#[derive(Debug)]
pub struct MatchIndex {
    model: Model,
    ids: Vec<String>,
    records: Vec<Option<Prepared>>,
    by_id: HashMap<String, u32>,
    blocks: HashMap<u64, Vec<u32>>,
    tf: KeyCounts,
}

impl MatchIndex {
    /// An empty index scoring with `model` (e.g. [`Model::default_model`]).
    pub fn new(model: Model) -> MatchIndex {
        MatchIndex {
            model,
            ids: Vec::new(),
            records: Vec::new(),
            by_id: HashMap::new(),
            blocks: HashMap::new(),
            tf: KeyCounts::default(),
        }
    }

    /// Number of records indexed.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Adds a record, replacing any earlier one with the same id. Unreadable dates and phones
    /// are an error (nothing is added).
    pub fn insert(&mut self, record: &PersonRecord) -> Result<(), FieldError> {
        let p = prepare(record, true)?;
        self.remove(&record.record_id);
        let slot = self.records.len() as u32;
        for k in block::keys(&p) {
            self.blocks.entry(k).or_default().push(slot);
        }
        for k in block::tf_keys(&p) {
            *self.tf.entry(k).or_default() += 1;
        }
        *self.tf.entry(0).or_default() += 1;
        self.ids.push(record.record_id.clone());
        self.records.push(Some(p));
        self.by_id.insert(record.record_id.clone(), slot);
        Ok(())
    }

    /// Prior that the query matches one given indexed record: one expected match per query
    /// among everyone indexed (at least a thousand, so tiny indexes are not over-eager).
    fn prior(&self) -> f64 {
        1.0 / (self.len().max(1000) as f64)
    }

    /// Removes a record; returns whether it was there.
    pub fn remove(&mut self, record_id: &str) -> bool {
        let Some(slot) = self.by_id.remove(record_id) else {
            return false;
        };
        if let Some(p) = self.records.get_mut(slot as usize).and_then(Option::take) {
            for k in block::keys(&p) {
                if let Some(v) = self.blocks.get_mut(&k) {
                    v.retain(|s| *s != slot);
                }
            }
            for k in block::tf_keys(&p) {
                if let Some(c) = self.tf.get_mut(&k) {
                    *c = c.saturating_sub(1);
                }
            }
            if let Some(c) = self.tf.get_mut(&0) {
                *c = c.saturating_sub(1);
            }
        }
        true
    }

    /// The `k` most probable matches of `record` (its own id excluded), best first. Fields that
    /// cannot be read are ignored here rather than failing the query.
    pub fn query(&self, record: &PersonRecord, k: usize) -> Vec<Candidate> {
        let Ok(q) = prepare(record, false) else {
            return Vec::new();
        };
        let mut blocks: Vec<&Vec<u32>> = block::keys(&q)
            .iter()
            .filter_map(|k| self.blocks.get(k))
            .filter(|v| v.len() <= QUERY_BLOCK_CAP)
            .collect();
        blocks.sort_by_key(|v| v.len());
        let mut cand: Vec<u32> = Vec::new();
        for v in blocks {
            if cand.len() + v.len() > QUERY_BUDGET && !cand.is_empty() {
                break;
            }
            cand.extend_from_slice(v);
        }
        cand.sort_unstable();
        cand.dedup();
        let mut scored: Vec<(f64, u32)> = cand
            .iter()
            .filter(|s| self.ids[**s as usize] != record.record_id)
            .filter_map(|s| {
                let p = self.records[*s as usize].as_ref()?;
                Some((
                    self.model
                        .score(&compare(&q, p), &self.tf, false)
                        .probability,
                    *s,
                ))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(k)
            .filter_map(|(_, s)| {
                let p = self.records[s as usize].as_ref()?;
                let score =
                    self.model
                        .score_with_prior(&compare(&q, p), &self.tf, true, self.prior());
                Some(Candidate {
                    record_id: self.ids[s as usize].clone(),
                    probability: score.probability,
                    explanation: score.explanation(),
                    fields: score.fields,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, name: &str, dob: &str) -> PersonRecord {
        PersonRecord {
            record_id: id.into(),
            names: vec![name.into()],
            birth_date: Some(dob.into()),
            ..Default::default()
        }
    }

    #[test]
    fn finds_across_scripts() -> Result<(), FieldError> {
        let mut ix = MatchIndex::new(Model::default_model());
        ix.insert(&rec("a", "陳偉傑", "2001-03-14"))?;
        ix.insert(&rec("b", "Lam Ka Ho", "1990-01-01"))?;
        ix.insert(&rec("c", "Somchai Jaidee", "1985-06-02"))?;
        let hits = ix.query(&rec("q", "CHAN Wai Kit", "14/03/2001"), 3);
        assert_eq!(hits.first().map(|c| c.record_id.as_str()), Some("a"));
        assert!(hits[0].probability > 0.9);
        let hits = ix.query(&rec("q", "สมชาย ใจดี", "2528-06-02"), 3);
        assert_eq!(hits.first().map(|c| c.record_id.as_str()), Some("c"));
        assert!(ix.remove("a"));
        assert!(
            ix.query(&rec("q", "CHAN Wai Kit", "14/03/2001"), 3)
                .iter()
                .all(|c| c.record_id != "a")
        );
        assert_eq!(ix.len(), 2);
        Ok(())
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MatchIndex>();
    }
}
