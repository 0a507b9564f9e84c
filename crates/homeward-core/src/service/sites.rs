//! The register of sites (compounds).

use homeward_types::wire::{SiteInput, SiteView};
use homeward_types::{Marking, SiteId, SiteStatus};
use serde_json::json;

use super::{Homeward, Problems, now_ms};
use crate::access::{Sight, Visibility, sight};
use crate::audit::AuditDraft;
use crate::model::Site;
use crate::{Actor, CoreError, CoreResult};

impl Homeward {
    /// Adds a field error unless `site` (if given) is a site the actor may see.
    pub(crate) async fn check_site(
        &self,
        p: &mut Problems,
        actor: &Actor,
        site: Option<SiteId>,
    ) -> CoreResult<()> {
        let Some(id) = site else { return Ok(()) };
        let visible = match self.store.site(id).await? {
            Some(s) => sight(actor, s.org_id, s.marking, None) != Sight::None,
            None => false,
        };
        if !visible {
            p.add("site_id", "no such site");
        }
        Ok(())
    }

    /// Registers a site.
    pub async fn create_site(&self, actor: &Actor, input: SiteInput) -> CoreResult<SiteView> {
        if !actor.role.can_write_sites() {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "register sites",
            });
        }
        let mut p = Problems::default();
        let name = p.text("name", Some(&input.name), 200);
        if name.is_none() {
            p.add("name", "is required");
        }
        let country = input.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            p.add(
                "country",
                "must be an ISO 3166 alpha-2 code such as MM or KH",
            );
        }
        let mut aliases = Vec::new();
        for (i, a) in input.aliases.iter().take(50).enumerate() {
            if let Some(a) = p.text(&format!("aliases[{i}]"), Some(a), 200) {
                aliases.push(a);
            }
        }
        let zone = p.text("zone", input.zone.as_deref(), 200);
        p.finish()?;
        let site = Site {
            id: SiteId::new(),
            org_id: actor.org_id,
            name: name.unwrap_or_default(),
            aliases,
            zone,
            country,
            status: input.status.unwrap_or(SiteStatus::Active),
            marking: input.marking.unwrap_or(Marking::Green),
            created_ms: now_ms(),
        };
        let audit = AuditDraft::by(
            actor,
            "site.create",
            "site",
            site.id,
            json!({ "name": site.name, "marking": site.marking }),
        );
        self.store.insert_site(&site, audit).await?;
        Ok(site_view(&site))
    }

    /// Sites the actor may see.
    pub async fn list_sites(&self, actor: &Actor) -> CoreResult<Vec<SiteView>> {
        let vis = Visibility::for_actor(actor);
        Ok(self
            .store
            .sites(&vis)
            .await?
            .iter()
            .map(site_view)
            .collect())
    }
}

fn site_view(s: &Site) -> SiteView {
    SiteView {
        id: s.id,
        name: s.name.clone(),
        aliases: s.aliases.clone(),
        zone: s.zone.clone(),
        country: s.country.clone(),
        status: s.status,
        marking: s.marking,
    }
}
