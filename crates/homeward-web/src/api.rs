//! The JSON API under `/api/v1`. The OpenAPI document is generated from the
//! handlers' annotations, so it cannot drift from the routes.

pub mod cases;
mod consolidate;
mod group_cases;
mod groups;
mod me;
mod requests;
mod rescue;
mod screen;
mod sites;
mod tokens;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "homeward",
        description = "Cross-border casework on scam-compound trafficking. Errors are RFC 9457 problem+json with a stable `code`; lists are paginated by cursor.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API router and its OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::get_me))
        .routes(routes!(me::list_organisations))
        .routes(routes!(cases::list_cases))
        .routes(routes!(cases::create_report))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::create_transition))
        .routes(routes!(cases::create_note))
        .routes(routes!(sites::list_sites, sites::create_site))
        .routes(routes!(screen::screen))
        .routes(routes!(groups::list_groups, groups::create_group))
        .routes(routes!(groups::add_member))
        .routes(routes!(groups::change_marking))
        .routes(routes!(requests::list_requests, requests::create_request))
        .routes(routes!(requests::get_request))
        .routes(routes!(requests::move_request))
        .routes(routes!(requests::post_message))
        .routes(routes!(requests::set_still_held))
        .routes(routes!(requests::record_consent))
        .routes(routes!(requests::revoke_consent))
        .routes(routes!(requests::list_disclosures))
        .routes(routes!(consolidate::duplicates))
        .routes(routes!(consolidate::merge))
        .routes(routes!(consolidate::unmerge))
        .routes({
            // A list of up to 200,000 rows is larger than other bodies.
            let (schemas, paths, method) = routes!(rescue::list_lists, rescue::reconcile);
            (
                schemas,
                paths,
                method.layer(DefaultBodyLimit::max(rescue::MAX_LIST_BODY)),
            )
        })
        .routes(routes!(rescue::get_list))
        .routes(routes!(rescue::withdraw))
        .routes(routes!(rescue::list_matches))
        .routes(routes!(rescue::decide))
        .routes(routes!(
            requests::get_compartment,
            requests::add_compartment_entry
        ))
        .routes(routes!(
            group_cases::list_group_cases,
            group_cases::create_group_case
        ))
        .routes(routes!(group_cases::get_group_case))
        .routes(routes!(group_cases::add_member))
        .routes(routes!(group_cases::remove_member))
        .routes(routes!(group_cases::suggestions))
        .routes(routes!(group_cases::export))
        .routes(routes!(group_cases::case_group_cases))
        .routes(routes!(group_cases::partner_report))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(tokens::revoke_sessions))
        .routes(routes!(tokens::disable_user))
        .split_for_parts()
}
