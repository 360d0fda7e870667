//! The confirmation: the reference, the confirm-by date, and the private link to come back to.

use domain::i18n::{after_word_cy, describe_date};
use domain::visit::VisitState;
use leptos::prelude::*;

use crate::i18n::{use_lang, use_title};
use crate::store::{Contact, use_form};

#[component]
pub fn DonePage() -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    use_title(|lang| lang.t("Request sent", "Cais wedi’i anfon").into(), || false);
    let created = move || form.draft.with(|d| d.created.clone());
    // The link is shown whole, to copy: this site's address, as the browser or the server knows it.
    #[cfg(feature = "ssr")]
    let origin = crate::server::server_page().map(|page| page.origin).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let origin = window().location().origin().unwrap_or_default();
    view! {
        {move || match created() {
            None => {
                view! {
                    <h1 class="govuk-heading-l">{lang.t("Nothing to show", "Dim byd i’w ddangos")}</h1>
                    <p class="govuk-body">
                        {lang.t(
                            "Your confirmation is no longer shown on this device, to keep it private. Use the link in your email to see your request.",
                            "Nid yw eich cadarnhad yn cael ei ddangos ar y ddyfais hon mwyach, i’w gadw’n breifat. Defnyddiwch y ddolen yn eich e-bost i weld eich cais.",
                        )}
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/">{lang.t("Request another visit", "Gofyn am ymweliad arall")}</a>
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/feedback" id="done-feedback">
                            {lang.t("What did you think of this service? (takes 30 seconds)", "Beth oeddech chi’n ei feddwl o’r gwasanaeth hwn? (mae’n cymryd 30 eiliad)")}
                        </a>
                    </p>
                }
                    .into_any()
            }
            Some(created) => {
                let link = format!("{origin}{}", created.status_path);
                let waiting = created.state == VisitState::Waiting;
                // How the visitor chose to be told, kept with the confirmation: what this page promises follows it.
                let contact = form.draft.with_untracked(|d| Contact::of(&d.contact));
                view! {
                    <div class="govuk-panel govuk-panel--confirmation">
                        <h1 class="govuk-panel__title">
                            {if waiting {
                                lang.t("You are on the waiting list", "Rydych chi ar y rhestr aros")
                            } else {
                                lang.t("Request sent", "Cais wedi’i anfon")
                            }}
                        </h1>
                        <div class="govuk-panel__body">
                            {lang.t("Your reference number", "Eich cyfeirnod")}
                            <br />
                            <strong id="reference">{created.reference.clone()}</strong>
                        </div>
                    </div>
                    {(created.prisoner_details_match == Some(false)).then(|| view! {
                        <div class="govuk-warning-text" id="details-mismatch">
                            <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                            <strong class="govuk-warning-text__text">
                                <span class="govuk-visually-hidden">{lang.t("Warning", "Rhybudd")}</span>
                                {lang.t(
                                    "The prisoner’s details you gave do not match the prison’s records. Check the prison number, name and date of birth: if they are wrong, the prison may turn the request down. You can withdraw it with your private link below and ask again.",
                                    "Nid yw manylion y carcharor a roesoch yn cyfateb i gofnodion y carchar. Gwiriwch rif y carchar, yr enw a’r dyddiad geni: os ydynt yn anghywir, efallai y bydd y carchar yn gwrthod y cais. Gallwch ei dynnu’n ôl gyda’ch dolen breifat isod a gofyn eto.",
                                )}
                            </strong>
                        </div>
                    })}
                    <h2 class="govuk-heading-m">{lang.t("What happens next", "Beth sy’n digwydd nesaf")}</h2>
                    <p class="govuk-body" id="confirm-by">
                        {if waiting {
                            lang.t(
                                "If a place comes up at one of your times, it goes to the first person waiting. When it is yours, we will tell you: the visit is then booked, or the prison checks it first. You can leave the waiting list with your private link.",
                                "Os daw lle ar gael yn un o’ch amseroedd, bydd yn mynd i’r person cyntaf sy’n aros. Pan fydd yn eiddo i chi, byddwn yn rhoi gwybod i chi: bydd yr ymweliad wedi’i drefnu wedyn, neu bydd y carchar yn ei wirio’n gyntaf. Gallwch adael y rhestr aros gyda’ch dolen breifat.",
                            )
                            .to_owned()
                        } else if lang.is_cy() {
                            let how = match contact {
                                Contact::Email => "anfon e-bost atoch",
                                Contact::Sms => "anfon neges destun atoch",
                                Contact::Both => "anfon e-bost a neges destun atoch",
                            };
                            format!(
                                "Bydd y carchar yn gwirio eich cais ac yn {how} {} i ddweud wrthych a yw eich ymweliad wedi’i drefnu.",
                                after_word_cy("erbyn", &describe_date(created.confirm_by, lang.get())),
                            )
                        } else {
                            let how = match contact {
                                Contact::Email => "email you",
                                Contact::Sms => "send you a text message",
                                Contact::Both => "email you and send you a text message",
                            };
                            format!(
                                "The prison will check your request and {how} by {} to tell you if your visit is booked.",
                                describe_date(created.confirm_by, lang.get()),
                            )
                        }}
                    </p>
                    <h2 class="govuk-heading-m">{lang.t("Your private link", "Eich dolen breifat")}</h2>
                    <p class="govuk-body">
                        {match contact {
                            Contact::Email => lang.t(
                                "Use this link to see your request, or to withdraw or cancel it. We have emailed it to you too. Do not share it: anyone with the link can cancel your visit.",
                                "Defnyddiwch y ddolen hon i weld eich cais, neu i’w dynnu’n ôl neu ei ganslo. Rydym wedi’i hanfon atoch mewn e-bost hefyd. Peidiwch â’i rhannu: gall unrhyw un sydd â’r ddolen ganslo eich ymweliad.",
                            ),
                            Contact::Sms => lang.t(
                                "Use this link to see your request, or to withdraw or cancel it. We have sent it to you in a text message too. Do not share it: anyone with the link can cancel your visit.",
                                "Defnyddiwch y ddolen hon i weld eich cais, neu i’w dynnu’n ôl neu ei ganslo. Rydym wedi’i hanfon atoch mewn neges destun hefyd. Peidiwch â’i rhannu: gall unrhyw un sydd â’r ddolen ganslo eich ymweliad.",
                            ),
                            Contact::Both => lang.t(
                                "Use this link to see your request, or to withdraw or cancel it. We have sent it to you by email and in a text message too. Do not share it: anyone with the link can cancel your visit.",
                                "Defnyddiwch y ddolen hon i weld eich cais, neu i’w dynnu’n ôl neu ei ganslo. Rydym wedi’i hanfon atoch mewn e-bost ac mewn neges destun hefyd. Peidiwch â’i rhannu: gall unrhyw un sydd â’r ddolen ganslo eich ymweliad.",
                            ),
                        }}
                    </p>
                    <p class="govuk-body app-break">
                        // A page load, not a move inside the app: the server swaps the link's token for a cookie.
                        <a class="govuk-link" id="status-link" href=created.status_path.clone() rel="external">
                            {link}
                        </a>
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/">{lang.t("Request another visit", "Gofyn am ymweliad arall")}</a>
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/feedback" id="done-feedback">
                            {lang.t("What did you think of this service? (takes 30 seconds)", "Beth oeddech chi’n ei feddwl o’r gwasanaeth hwn? (mae’n cymryd 30 eiliad)")}
                        </a>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}
