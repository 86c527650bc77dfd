import { initAll } from '/assets/govuk/govuk-frontend.min.js'
initAll()

// A long list of people (a select marked data-module="autocomplete") becomes a type-ahead.
// Without JavaScript the select stays, so the form works either way.
for (const select of document.querySelectorAll('select[data-module="autocomplete"]')) {
  if (window.accessibleAutocomplete) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      dropdownArrow: () => ''
    })
  }
}
