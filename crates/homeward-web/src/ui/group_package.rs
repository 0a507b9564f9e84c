//! A group package as a page meant for printing: the stylesheet's print rules
//! drop the navigation and keep each member on its own block.

use homeward_types::wire::GroupPackage;
use maud::{Markup, html};

use super::layout::{day, marking_badge, minute, priority_badge, state_badge};
use super::requests::field_label;

/// The printable page of a package.
pub fn page(p: &GroupPackage) -> Markup {
    let g = &p.group;
    let body = html! {
        article.package {
            header {
                h1 { (g.reference) " — " (g.label) }
                p { "Group package for " strong { (p.recipient.name) } " (" (p.recipient.country) "), from " (g.owner.name) ", " (minute(&p.generated_at)) " UTC. " (marking_badge(g.marking)) }
                p.muted { "Each member shows only what " (p.recipient.name) " may see under the sharing rules. Do not forward." }
            }
            @if p.members.is_empty() { p { "No member of this group may be shown to this recipient." } }
            @for m in &p.members {
                section.member {
                    h2 { (m.case.reference) " " (state_badge(m.case.state)) " " (priority_badge(m.case.priority)) }
                    dl {
                        dt { "Owner" } dd { (m.case.owner.name) }
                        dt { "Subject" } dd { @if m.person.names.is_empty() { "(withheld)" } @else { (m.person.names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" / ")) } }
                        dt { "Nationality" } dd { (m.person.nationalities.join(", ")) }
                        @if let Some(b) = &m.person.birth_date { dt { "Born" } dd { (b) } }
                        @if let Some(s) = &m.case.site { dt { "Site" } dd { (s) } }
                        @if !m.person.documents.is_empty() { dt { "Documents" } dd { (m.person.documents.iter().map(|d| format!("{} {}", d.kind.as_str(), d.number)).collect::<Vec<_>>().join("; ")) } }
                        @if !m.person.contacts.is_empty() { dt { "Contacts" } dd { (m.person.contacts.iter().map(|c| c.raw.as_str()).collect::<Vec<_>>().join("; ")) } }
                        dt { "Opened / updated" } dd { (day(&m.case.created_at)) " / " (day(&m.case.updated_at)) }
                        dt { "Personal data shown" } dd { @if m.fields.is_empty() { "none" } @else { (m.fields.iter().map(|f| field_label(*f)).collect::<Vec<_>>().join(", ")) } }
                    }
                    @for r in &m.reports {
                        div.report {
                            @if let Some(v) = &r.last_contact_date { "Last contact " (v) @if let Some(ch) = &r.last_contact_channel { " via " (ch) } ". " }
                            @if let Some(v) = &r.last_seen_place { "Last known place: " (v) ". " }
                            @if let Some(v) = &r.recruitment_channel { "Recruited via " (v) ". " }
                            @if let Some(v) = &r.job_promised { "Job promised: " (v) ". " }
                            @if let Some(v) = &r.reporter_name { "Reported by " (v) @if let Some(c) = &r.reporter_contact { " (" (c) ")" } ". " }
                            @if let Some(n) = &r.narrative { p.narrative { (n) } }
                        }
                    }
                }
            }
        }
    };
    super::layout::page(&format!("{} package", g.reference), None, body)
}
