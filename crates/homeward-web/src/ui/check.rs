//! The public "check an offer" page: anyone pastes a job offer and sees the
//! verdict and reasons in plain language. No sign-in; nothing is stored or
//! logged; the text is only echoed back in the response (POST, never in a
//! URL), so the page cannot be used to store or relay content. Rate-limited
//! per client address.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_types::wire::{AdInput, ScreenInput, ScreenVerdict};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::page;
use crate::AppState;

/// Longest text accepted, in characters.
pub const MAX_CHECK_CHARS: usize = 20_000;

fn view(text: &str, verdict: Option<&ScreenVerdict>, error: Option<&str>) -> Markup {
    page(
        "Check a job offer",
        None,
        html! {
            section.card {
                h1 { "Is this job offer too good to be true?" }
                p { "Paste a job ad or a recruiter's message. homeward checks it for the warning signs of offers used to traffic people into scam compounds. Nothing you paste is stored." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/check" {
                    label for="text" { "The offer" }
                    textarea #text name="text" rows="8" maxlength=(MAX_CHECK_CHARS) required
                        placeholder="e.g. Customer service in Bangkok, 1,200 USD, free flight and visa, no experience needed, contact on Telegram" { (text) }
                    button.primary type="submit" { "Check" }
                }
            }
            @if let Some(v) = verdict {
                section.card.verdict {
                    @if v.flagged {
                        h2.bad { "High risk: this offer shows warning signs of trafficking" }
                    } @else if v.score >= 0.3 {
                        h2 { "Some warning signs" }
                    } @else {
                        h2 { "No common warning signs found" }
                    }
                    p.muted { "Risk score " (format!("{:.0}", v.score * 100.0)) " out of 100." }
                    @if !v.reasons.is_empty() {
                        h3 { "Why" }
                        ul.reasons {
                            @for r in v.reasons.iter().filter(|r| r.weight > 0.0) {
                                li { (r.message)
                                    @if !r.triggers.is_empty() { " " span.muted { "(" (r.triggers.join(", ")) ")" } } }
                            }
                        }
                    }
                    h3 { "Before you accept any job abroad" }
                    ul {
                        li { "Check the agency is licensed with your government's overseas employment office." }
                        li { "Never send your passport or ID, and never pay a fee, before you have a written contract." }
                        li { "Be wary of interviews held only by chat, and of destinations that change after you accept." }
                        li { "Tell your family exactly where you are going and agree how often you will call." }
                    }
                }
            }
        },
    )
}

/// GET /check
pub async fn show() -> Markup {
    view("", None, None)
}

/// The check form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckForm {
    #[serde(default)]
    text: String,
}

/// POST /check
pub async fn submit(State(state): State<AppState>, Form(f): Form<CheckForm>) -> Response {
    let text = f.text.trim();
    if text.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            view("", None, Some("Paste the offer first.")),
        )
            .into_response();
    }
    if text.chars().count() > MAX_CHECK_CHARS {
        return (StatusCode::PAYLOAD_TOO_LARGE,
            view("", None, Some("That is too long to check here; paste the ad itself (up to 20,000 characters).")))
            .into_response();
    }
    let input = ScreenInput::One(Box::new(AdInput {
        description: Some(text.to_string()),
        ..AdInput::default()
    }));
    match state.hw.screen(input) {
        Ok(out) => view(text, out.verdicts.first(), None).into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            view(text, None, Some(&e.to_string())),
        )
            .into_response(),
    }
}
