//! The partner report: requests received and resolved per requesting partner.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use homeward_types::wire::PartnerRow;
use maud::html;

use super::layout::{Shell, error_response, page};
use crate::AppState;
use crate::auth::WebUser;

/// GET /reports/partners
pub async fn partners(State(state): State<AppState>, user: WebUser) -> Response {
    let r = match state.hw.partner_report(&user.actor).await {
        Ok(r) => r,
        Err(e) => return error_response(&e),
    };
    let shell = Shell::of(&state, &user).await;
    let row = |p: &PartnerRow, total: bool| {
        html! {
            tr.total[total] {
                td { (p.partner.name) }
                td { (p.received) }
                td { (p.located) }
                td { strong { (p.released) " of " (p.received) } }
                td { (p.repatriated) }
                td { (p.median_days_to_release.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())) }
            }
        }
    };
    let body = html! {
        div.pagehead { h1 { "Requests received, per partner" } }
        p.muted { "Requests sent to " (r.organisation.name) " and how far their cases got: located, released (resolved) and repatriated; median days from the report to the release." }
        @if r.partners.is_empty() {
            p.empty { "Your organisation has received no requests." }
        } @else {
            table.cases {
                thead { tr { th { "Partner" } th { "Received" } th { "Located" } th { "Resolved (released)" } th { "Repatriated" } th { "Median days to release" } } }
                tbody {
                    @for p in &r.partners { (row(p, false)) }
                    (row(&r.total, true))
                }
            }
        }
    };
    page("Partner report", Some(&shell), body).into_response()
}
