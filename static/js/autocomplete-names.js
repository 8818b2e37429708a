// The admin's search boxes (select2, Django's autocomplete widget) draw a box of role
// "textbox" that names the combobox, but is itself named only by what it shows: nothing
// until a choice is made, so a screen reader announces an unnamed field. This names it
// after the field's own label. Loaded after Django's autocomplete.js, whose ready handler
// builds the boxes; select2 keeps the attribute when the choice changes.
'use strict';
{
    const $ = django.jQuery;
    $(function() {
        for (const select of document.querySelectorAll('select.admin-autocomplete')) {
            const label = document.querySelector(`label[for="${select.id}"]`);
            const box = document.getElementById(`select2-${select.id}-container`);
            if (label && box) {
                box.setAttribute('aria-label', label.textContent.replace(/:\s*$/, '').trim());
            }
        }
    });
}
