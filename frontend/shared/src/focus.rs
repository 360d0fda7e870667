//! Moving keyboard and screen-reader focus, as a page load would.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves focus to an element (after the next paint, so it exists), scrolling it into view.
/// Nothing on the server (a page rendered there has no focus to move).
pub fn focus_id(id: String) {
    if cfg!(not(target_arch = "wasm32")) {
        return;
    }
    request_animation_frame(move || {
        let element = document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            if element.tab_index() < 0
                && !matches!(element.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A")
            {
                let _ = element.set_attribute("tabindex", "-1");
            }
            let _ = element.focus();
            element.scroll_into_view();
        }
    });
}
