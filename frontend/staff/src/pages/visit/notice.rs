//! The banner that says what became of this page's last action, and what was typed when it could not be sent.

use domain::error::ErrorCode;
use domain::i18n::describe_slot;
use domain::visit::VisitState;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;

use super::labels::rejection_label;
use super::{Typed, optional};
use crate::ui::state_label;

/// Something that happened to this page's last action, shown as a banner above the visit.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Notice {
    Decided(VisitState),
    Cancelled,
    /// Someone else changed the visit first; it is now in this state.
    Conflict(Option<VisitState>),
    /// The chosen time could not be booked: full, closed that day, gone from the timetable, or already started.
    SlotUnavailable(ErrorCode),
}

#[component]
pub(super) fn NoticeBanner(notice: RwSignal<Option<Notice>>, typed: Typed) -> impl IntoView {
    let lang = use_lang();
    move || {
        notice.get().map(|n| {
            let (success, text, kept) = match n {
                Notice::Decided(VisitState::Booked) => (true, lang.t("The visit is booked. The visitor has been told by email.", "Mae’r ymweliad wedi’i drefnu. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Decided(_) => (true, lang.t("The request is rejected. The visitor has been told by email.", "Mae’r cais wedi’i wrthod. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Cancelled => (true, lang.t("The visit is cancelled and its place is free again. The visitor has been told by email.", "Mae’r ymweliad wedi’i ganslo ac mae ei le ar gael eto. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Conflict(current) => {
                    let now = current.map(|s| state_label(lang, s)).unwrap_or_default();
                    let text = if current == Some(VisitState::Requested) {
                        lang.t("Someone else changed this request while you were deciding, so your decision was not saved. It still waits for a decision: check it below and send your decision again. What you typed is kept.", "Newidiodd rhywun arall y cais hwn tra oeddech yn penderfynu, felly ni chadwyd eich penderfyniad. Mae’n dal i aros am benderfyniad: gwiriwch isod ac anfonwch eich penderfyniad eto. Mae’r hyn a deipiwyd gennych wedi’i gadw.").to_string()
                    } else {
                        format!("{} {now}.", lang.t("Someone else decided this request first, so your decision was not saved. It is now:", "Penderfynodd rhywun arall y cais hwn yn gyntaf, felly ni chadwyd eich penderfyniad. Mae bellach:"))
                    };
                    (false, text, current != Some(VisitState::Requested))
                }
                Notice::SlotUnavailable(code) => (false, match code {
                    ErrorCode::SlotClosed => lang.t("The prison is now closed for visits on the day you chose, so the visit was not booked. Choose another time or reject the request. What you typed is kept.", "Mae’r carchar bellach ar gau ar gyfer ymweliadau ar y diwrnod a ddewisoch, felly ni threfnwyd yr ymweliad. Dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    ErrorCode::SlotNotOffered => lang.t("The timetable no longer has the time you chose, so the visit was not booked. Choose another time or reject the request. What you typed is kept.", "Nid yw’r amserlen yn cynnwys yr amser a ddewisoch mwyach, felly ni threfnwyd yr ymweliad. Dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    ErrorCode::VisitAlreadyStarted => lang.t("The time you chose has already started or passed, so the visit was not booked. Choose a later time or reject the request. What you typed is kept.", "Mae’r amser a ddewisoch eisoes wedi dechrau neu wedi mynd heibio, felly ni threfnwyd yr ymweliad. Dewiswch amser diweddarach neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    _ => lang.t("The time you chose filled up while you were deciding, so the visit was not booked. The places below are as they are now: choose another time or reject the request. What you typed is kept.", "Llenwodd yr amser a ddewisoch tra oeddech yn penderfynu, felly ni threfnwyd yr ymweliad. Mae’r lleoedd isod fel y maent nawr: dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                }.to_string(), false),
            };
            let class = if success { "govuk-notification-banner govuk-notification-banner--success" } else { "govuk-notification-banner" };
            view! {
                <div class=class role=if success { "alert" } else { "region" } aria-labelledby="notice-title" id="notice" tabindex="-1">
                    <div class="govuk-notification-banner__header">
                        <h2 class="govuk-notification-banner__title" id="notice-title">
                            {if success { lang.t("Success", "Llwyddiant") } else { lang.t("Important", "Pwysig") }}
                        </h2>
                    </div>
                    <div class="govuk-notification-banner__content">
                        <p class="govuk-notification-banner__heading" id="notice-text">{text}</p>
                        {kept.then(|| view! { <KeptInput typed /> })}
                    </div>
                </div>
            }
        })
    }
}

/// What the member of staff had typed into a decision that can no longer be sent, so they can copy it.
#[component]
pub(super) fn KeptInput(typed: Typed) -> impl IntoView {
    let lang = use_lang();
    let decision = typed.decision.get_untracked();
    let slot = typed.slot.get_untracked();
    let message = typed.message.get_untracked();
    let reasons = typed.reasons.get_untracked();
    view! {
        <div id="kept-input">
            <p class="govuk-body">{tx("What you had entered:", "Yr hyn yr oeddech wedi’i nodi:")}</p>
            <ul class="govuk-list govuk-list--bullet">
                {match decision {
                    Some("grant") => Some(view! { <li>{tx("Book", "Trefnu")} " " {move || slot.map(|s| describe_slot(&s, lang.get())).unwrap_or_default()}</li> }.into_any()),
                    Some(_) => Some(view! { <li>{tx("Reject", "Gwrthod")} ": " {move || reasons.iter().map(|r| rejection_label(lang, *r)).collect::<Vec<_>>().join(", ")}</li> }.into_any()),
                    None => None,
                }}
                {optional(message).map(|m| view! { <li>{tx("Message", "Neges")} ": " <span class="app-pre" id="kept-message">{m}</span></li> })}
            </ul>
        </div>
    }
}

pub(super) fn announce(notice: RwSignal<Option<Notice>>, value: Notice) {
    notice.set(Some(value));
    focus_id("notice".into());
}
