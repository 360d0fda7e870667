// Starts the staff back office. A file rather than an inline script, so the Content-Security-Policy can refuse
// every inline script (script-src 'self' 'wasm-unsafe-eval').
//
// On the sign-in page it first shows the sign-in form that staff.html carries, so that staff can type while the
// app downloads (seconds on a slow connection); the app takes over what was typed, the focus, and a Sign in pressed
// before it was there (src/pages/sign_in.rs). The app is imported afterwards, so this runs without waiting for it.
const form = document.getElementById('early-sign-in');
const stored = (storage, key) => {
  try {
    return storage.getItem(key);
  } catch {
    return null; // storage refused (privacy settings): as if empty
  }
};
if (form && location.pathname === '/staff/sign-in' && !stored(sessionStorage, 'pvb.staff.refresh')) {
  const welsh = stored(localStorage, 'pvb.locale') === 'cy';
  const heading = document.getElementById('early-heading');
  const button = document.getElementById('early-submit');
  heading.textContent = 'Sign in';
  if (welsh) {
    document.documentElement.lang = 'cy';
    for (const element of document.querySelectorAll('#app [data-cy]')) element.textContent = element.dataset.cy;
  }
  document.title = welsh ? 'Mewngofnodi - Rheoli ymweliadau carchar' : 'Sign in - Manage prison visits';
  document.getElementById('early-loading').hidden = true;
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.dataset.pending = 'true';
    button.setAttribute('aria-disabled', 'true');
    button.textContent = welsh ? button.dataset.busyCy : button.dataset.busy;
  });
}

const { default: init } = await import('/staff-pkg/frontend_staff.js');
await init({ module_or_path: '/staff-pkg/frontend_staff_bg.wasm' });
