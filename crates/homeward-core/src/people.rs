//! The people index: the subject of every open case of the node in the
//! matching engine's online index, for possible duplicates at intake and
//! for reconciling rescue lists.
//!
//! It is built from the store on first use (or at start-up, see
//! [`crate::Homeward::warm_people_index`]) and then follows the store by id:
//! ids are time-ordered, so each use first reads the cases created since
//! the last one seen — including those created by other processes on the
//! same database. Cases that have since closed are dropped by the callers,
//! who read each candidate case back before showing it; merges re-index the
//! absorbing case in this process (other processes see it after a restart).

use std::sync::RwLock;

use futures::lock::Mutex;
use homeward_match::{Candidate, MatchIndex, Model, PersonRecord};
use homeward_types::{CaseId, CaseState, ContactKind, DocumentKind};
use rayon::prelude::*;

use crate::lifecycle;
use crate::model::{Case, Person};
use crate::store::Store;
use crate::{CoreResult, StoreError};

/// Cases read from the store per page while catching up.
const PAGE: u32 = 5_000;

/// The matching engine's record of a case's subject (its id is the case id).
pub fn person_record(case: &Case, p: &Person) -> PersonRecord {
    let first = p.names.first();
    PersonRecord {
        record_id: case.id.to_string(),
        names: p.names.iter().map(|n| n.text.clone()).collect(),
        given_name: first.and_then(|n| n.given.clone()),
        family_name: first.and_then(|n| n.family.clone()),
        sex: p.sex.map(|s| s.as_str().to_string()),
        birth_date: p.birth_date.clone(),
        nationality: p.nationalities.first().cloned(),
        phones: p
            .contacts
            .iter()
            .filter(|c| matches!(c.kind, ContactKind::Phone | ContactKind::Whatsapp))
            .map(|c| c.normalised.clone())
            .collect(),
        passport_no: p
            .documents
            .iter()
            .find(|d| d.kind == DocumentKind::Passport)
            .map(|d| d.number.clone()),
        id_no: p
            .documents
            .iter()
            .find(|d| d.kind != DocumentKind::Passport)
            .map(|d| d.number.clone()),
        handles: p
            .contacts
            .iter()
            .filter(|c| !matches!(c.kind, ContactKind::Phone | ContactKind::Whatsapp))
            .map(|c| format!("{}:{}", c.kind, c.normalised))
            .collect(),
        address: None,
        postcode: None,
        last_seen_place: None,
    }
}

/// Indexes a record; a birth date or phone the engine cannot read is left
/// out rather than the person.
fn insert_lenient(ix: &mut MatchIndex, r: &PersonRecord) {
    if ix.insert(r).is_err() {
        let mut lenient = r.clone();
        lenient.birth_date = None;
        lenient.phones.clear();
        if ix.insert(&lenient).is_err() {
            ix.remove(&r.record_id);
        }
    }
}

#[derive(Default)]
struct State {
    index: Option<MatchIndex>,
    /// The newest case id read from the store.
    last: Option<CaseId>,
}

/// See the module documentation. Cheap to share (`Arc` it).
#[derive(Default)]
pub(crate) struct PeopleIndex {
    state: RwLock<State>,
    /// One catch-up at a time.
    catching_up: Mutex<()>,
}

fn poisoned() -> StoreError {
    StoreError::Database("people index lock poisoned".into())
}

impl PeopleIndex {
    /// Reads the open cases created since the last catch-up (all of them
    /// the first time) into the index.
    pub(crate) async fn catch_up(&self, store: &dyn Store) -> CoreResult<()> {
        let _one = self.catching_up.lock().await;
        self.read_new(store).await
    }

    /// [`Self::catch_up`], unless another catch-up is running (the first
    /// load at start-up can take a minute on a large node): then the index
    /// is used as it is, rather than holding up intake.
    pub(crate) async fn catch_up_unless_busy(&self, store: &dyn Store) -> CoreResult<()> {
        match self.catching_up.try_lock() {
            Some(_one) => self.read_new(store).await,
            None => Ok(()),
        }
    }

    async fn read_new(&self, store: &dyn Store) -> CoreResult<()> {
        let finals: Vec<CaseState> = CaseState::ALL
            .iter()
            .copied()
            .filter(|s| lifecycle::is_final(*s))
            .collect();
        let mut after = self.state.read().map_err(|_| poisoned())?.last;
        loop {
            let page = store.case_persons(&finals, after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = Some(last.id);
            let full = page.len() == PAGE as usize;
            let records: Vec<PersonRecord> =
                page.iter().map(|(c, p)| person_record(c, p)).collect();
            let mut st = self.state.write().map_err(|_| poisoned())?;
            let ix = st
                .index
                .get_or_insert_with(|| MatchIndex::new(Model::default_model()));
            for r in &records {
                insert_lenient(ix, r);
            }
            st.last = after;
            if !full {
                break;
            }
        }
        let mut st = self.state.write().map_err(|_| poisoned())?;
        st.index
            .get_or_insert_with(|| MatchIndex::new(Model::default_model()));
        Ok(())
    }

    /// Replaces (or adds) one case's subject, e.g. after a merge.
    pub(crate) fn upsert(&self, case: &Case, person: &Person) {
        if let Ok(mut st) = self.state.write()
            && let Some(ix) = st.index.as_mut()
        {
            insert_lenient(ix, &person_record(case, person));
        }
    }

    /// Drops a case's subject (merged away).
    pub(crate) fn remove(&self, case: CaseId) {
        if let Ok(mut st) = self.state.write()
            && let Some(ix) = st.index.as_mut()
        {
            ix.remove(&case.to_string());
        }
    }

    /// Number of people indexed (0 before the first catch-up).
    pub(crate) fn len(&self) -> usize {
        self.state
            .read()
            .ok()
            .and_then(|st| st.index.as_ref().map(MatchIndex::len))
            .unwrap_or(0)
    }

    /// The `k` most probable cases for each record, in parallel.
    pub(crate) fn query_many(
        &self,
        records: &[PersonRecord],
        k: usize,
    ) -> CoreResult<Vec<Vec<(CaseId, Candidate)>>> {
        let st = self.state.read().map_err(|_| poisoned())?;
        let Some(ix) = st.index.as_ref() else {
            return Ok(vec![Vec::new(); records.len()]);
        };
        Ok(records
            .par_iter()
            .map(|r| {
                ix.query(r, k)
                    .into_iter()
                    .filter_map(|c| Some((c.record_id.parse().ok()?, c)))
                    .collect()
            })
            .collect())
    }
}
