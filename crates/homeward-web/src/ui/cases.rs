//! The case list with filters.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_types::CaseState;
use maud::html;

use super::layout::{
    Shell, day, error_response, marking_badge, message_page, page, priority_badge, state_badge,
};
use crate::AppState;
use crate::api::cases::CaseQuery;
use crate::auth::WebUser;

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// GET /cases
pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    query: Result<Query<CaseQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return (
            StatusCode::BAD_REQUEST,
            message_page("Bad filter", "The filter in the address is not valid."),
        )
            .into_response();
    };
    let filter = match query.filter() {
        Ok(f) => f,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                message_page("Bad filter", &e.problem().detail),
            )
                .into_response();
        }
    };
    let page_data = match state.hw.list_cases(&user.actor, filter).await {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    let sites = state.hw.list_sites(&user.actor).await.unwrap_or_default();
    let shell = Shell::of(&state, &user).await;
    let q = |v: &Option<String>| v.clone().unwrap_or_default();
    let next = page_data.next_cursor.as_ref().map(|c| {
        format!(
            "/cases?state={}&nationality={}&site={}&q={}&cursor={}",
            enc(&q(&query.state)),
            enc(&q(&query.nationality)),
            enc(&q(&query.site)),
            enc(&q(&query.q)),
            enc(c)
        )
    });
    let body = html! {
        div.pagehead {
            h1 { "Cases" }
            a.button.primary href="/reports/new" { "New report" }
        }
        form.filters method="get" action="/cases" {
            label { "State"
                select name="state" {
                    option value="" { "Any" }
                    @for s in CaseState::ALL {
                        option value=(s.as_str()) selected[query.state.as_deref() == Some(s.as_str())] { (s.label()) }
                    }
                }
            }
            label { "Nationality"
                input name="nationality" value=(q(&query.nationality)) placeholder="e.g. TH" maxlength="2" size="4";
            }
            label { "Site"
                select name="site" {
                    option value="" { "Any" }
                    @for s in &sites {
                        option value=(s.id.to_string()) selected[query.site.as_deref() == Some(s.id.to_string().as_str())] { (s.name) }
                    }
                }
            }
            label.grow { "Search"
                input type="search" name="q" value=(q(&query.q)) placeholder="Name in any script, or reference";
            }
            button type="submit" { "Filter" }
        }
        @if page_data.items.is_empty() {
            p.empty { "No cases match." }
        } @else {
            table.cases {
                thead { tr {
                    th { "Reference" } th { "Subject" } th { "Nat." } th { "State" } th { "Priority" }
                    th { "Site" } th { "Owner" } th { "Marking" } th { "Updated" }
                } }
                tbody {
                    @for c in &page_data.items {
                        tr {
                            td { a href={"/cases/" (c.id)} { (c.reference) } }
                            td { (c.subject) }
                            td { (c.nationalities.join(", ")) }
                            td { (state_badge(c.state)) }
                            td { (priority_badge(c.priority)) }
                            td { (c.site.clone().unwrap_or_default()) }
                            td.muted { @if c.owner.id == user.actor.org_id { "yours" } @else { (c.owner.name) } }
                            td { (marking_badge(c.marking)) }
                            td.nowrap { (day(&c.updated_at)) }
                        }
                    }
                }
            }
        }
        @if let Some(href) = next {
            p.pager { a href=(href) { "Older cases →" } }
        }
    };
    page("Cases", Some(&shell), body).into_response()
}
