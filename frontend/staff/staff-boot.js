// Starts the staff back office. A file rather than an inline script, so the Content-Security-Policy can refuse
// every inline script (script-src 'self' 'wasm-unsafe-eval').
//
// On the sign-in page it first shows the sign-in form that staff.html carries, in English or Welsh as chosen (with
// the language switch), so that staff can type while the app downloads (seconds on a slow connection); the app takes
// over what was typed, the focus, and a Sign in pressed before it was there (src/pages/sign_in.rs). The app is
// imported afterwards, so this part runs without waiting for it.
const form = document.getElementById('early-sign-in');
const stored = (storage, key) => {
  try {
    return storage.getItem(key);
  } catch {
    return null; // storage refused (privacy settings): as if empty
  }
};
if (form && location.pathname === '/staff/sign-in' && !stored(sessionStorage, 'pvb.staff.refresh')) {
  const heading = document.getElementById('early-heading');
  const button = document.getElementById('early-submit');
  const language = document.getElementById('early-language');
  const languageSwitch = document.getElementById('early-language-switch');
  heading.textContent = 'Sign in';
  let welsh = stored(localStorage, 'pvb.locale') === 'cy';
  // Every text with a Welsh version (data-cy) in the language chosen; the English one is kept in data-en.
  const show = () => {
    document.documentElement.lang = welsh ? 'cy' : 'en';
    for (const element of document.querySelectorAll('#app [data-cy]')) {
      element.dataset.en ??= element.textContent;
      element.textContent = welsh ? element.dataset.cy : element.dataset.en;
    }
    if (form.dataset.pending) button.textContent = welsh ? button.dataset.busyCy : button.dataset.busy;
    language.setAttribute('aria-label', welsh ? language.dataset.cyLabel : 'Language');
    languageSwitch.textContent = welsh ? 'English' : 'Cymraeg';
    languageSwitch.lang = welsh ? 'en' : 'cy';
    document.title = welsh ? 'Mewngofnodi - Rheoli ymweliadau carchar' : 'Sign in - Manage prison visits';
  };
  show();
  languageSwitch.addEventListener('click', () => {
    welsh = !welsh;
    try {
      localStorage.setItem('pvb.locale', welsh ? 'cy' : 'en'); // as the app keeps the choice
    } catch {
      // not kept: this page still follows it
    }
    show();
  });
  document.getElementById('early-loading').hidden = true;
  language.hidden = false;
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.dataset.pending = 'true';
    button.setAttribute('aria-disabled', 'true');
    show();
  });
}

const { default: init } = await import('/staff-pkg/frontend_staff.js');
await init({ module_or_path: '/staff-pkg/frontend_staff_bg.wasm' });
