//! Screening job ads and messages for lure risk (C8) — the node's use of
//! `homeward-screen`. Screening stores nothing: an ad in, a verdict out.

use homeward_screen::{Ad, Screener};
use homeward_types::wire::{AdInput, ScreenInput, ScreenOutput, ScreenReason, ScreenVerdict};

use crate::{CoreError, CoreResult, Homeward};

/// Most ads in one batch request.
pub const MAX_BATCH: usize = 1_000;

fn to_ad(input: AdInput, position: usize) -> Ad {
    Ad {
        id: input.id.unwrap_or_else(|| position.to_string()),
        title: input.title,
        description: input.description,
        company: input.company,
        location: input.location,
        salary: input.salary,
        contact: input.contact,
        requirements: input.requirements,
        benefits: input.benefits,
        url: input.url,
        lang: input.lang,
    }
}

/// Screens one ad with the shipped engine.
pub fn screen_ad(screener: &Screener, input: AdInput, position: usize) -> ScreenVerdict {
    let ad = to_ad(input, position);
    let v = screener.screen(&ad);
    ScreenVerdict {
        id: ad.id,
        score: v.score,
        flagged: v.flagged,
        threshold: v.threshold,
        reasons: v
            .reasons
            .into_iter()
            .map(|r| ScreenReason {
                code: r.code.to_string(),
                message: r.message.into_owned(),
                weight: r.weight,
                triggers: r.triggers,
            })
            .collect(),
        truncated: v.truncated,
    }
}

impl Homeward {
    /// Screens one ad or a batch. Nothing is stored or audited: the input is
    /// not personal data of a case, and the public page must not keep it.
    pub fn screen(&self, input: ScreenInput) -> CoreResult<ScreenOutput> {
        let ads = match input {
            ScreenInput::One(ad) => vec![*ad],
            ScreenInput::Batch(ads) => ads,
        };
        if ads.is_empty() {
            return Err(CoreError::invalid("ads", "give at least one ad"));
        }
        if ads.len() > MAX_BATCH {
            return Err(CoreError::invalid(
                "ads",
                format!("at most {MAX_BATCH} ads per request; split the batch"),
            ));
        }
        let screener = Screener::shipped();
        Ok(ScreenOutput {
            verdicts: ads
                .into_iter()
                .enumerate()
                .map(|(i, ad)| screen_ad(screener, ad, i))
                .collect(),
        })
    }
}
