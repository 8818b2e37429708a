from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from .text import fold, match_key, spellings

# The languages a catalogue name can be in: the network's own and Orphanet's English.
NAME_LANGUAGES = [
    ("da", _("Danish")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian")),
    ("fi", _("Finnish")),
    ("en", _("English")),
]


def search_text_for(name: str, other_names, orpha_code: int, icd10_codes: str) -> str:
    """The folded text that search looks in: every name, the ORPHA code and ICD-10 codes.

    Other names are sorted, so that the same catalogue entry always gives the same text
    (the import compares it to tell what changed).
    """
    parts = [
        name,
        *sorted(other_names),
        f"orpha {orpha_code} orpha{orpha_code}",
        icd10_codes,
        icd10_codes.replace(".", ""),
    ]
    # The preferred name comes first: search ranks names that start with the query.
    return " | ".join(
        dict.fromkeys(spelling for part in parts if part for spelling in sorted(spellings(part)))
    )


def match_text_for(name: str, other_names, orpha_code: int, icd10_codes: str) -> str:
    """The matching keys (text.match_key) of every name, preferred name first, then the
    folded codes: what search compares a query's key with. Each name is one part, so that a
    query equal to a whole part is an exact match."""
    keys = [match_key(spelling) for spelling in sorted(spellings(name))]
    keys += sorted({match_key(s) for other in other_names for s in spellings(other)})
    codes = [f"orpha {orpha_code} orpha{orpha_code}"]
    if icd10_codes:
        codes += [fold(icd10_codes), fold(icd10_codes.replace(".", ""))]
    return " | ".join(dict.fromkeys(part for part in [*keys, *codes] if part))


class Diagnosis(models.Model):
    """An entry of the diagnosis catalogue, as Orphanet publishes it."""

    class Level(models.TextChoices):
        GROUP = "group", _("group of disorders")
        DISORDER = "disorder", _("disorder")
        SUBTYPE = "subtype", _("subtype of a disorder")

    class Prevalence(models.TextChoices):
        NOT_ASSESSED = "", _("not assessed")
        RARE = "rare", _("rare: within the network's rarity rule")
        NOT_RARE = "not_rare", _("not rare: outside the network's rarity rule")
        UNCERTAIN = "uncertain", _("uncertain: ask the medical consultant")

    orpha_code = models.PositiveIntegerField(_("ORPHA code"), unique=True)
    name = models.CharField(_("preferred name"), max_length=255)
    level = models.CharField(
        _("classification level"), max_length=16, choices=Level.choices, default=Level.DISORDER
    )
    icd10_codes = models.CharField(
        _("ICD-10 codes"),
        max_length=255,
        blank=True,
        help_text=_("Separated by spaces, e.g. Q87.1 E34.8"),
    )
    is_active = models.BooleanField(_("active in Orphanet"), default=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
        help_text=_("The active ORPHA code that Orphanet points to for a retired one."),
    )
    parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="children",
        blank=True,
        verbose_name=_("parents in Orphanet's classification"),
        help_text=_("E.g. the disorder a subtype belongs to, or the group a disorder is in."),
    )
    prevalence = models.CharField(
        _("prevalence judgement"),
        max_length=16,
        choices=Prevalence.choices,
        blank=True,
        default=Prevalence.NOT_ASSESSED,
    )
    prevalence_note = models.TextField(
        _("prevalence note"),
        blank=True,
        help_text=_("What the judgement rests on, e.g. the medical consultant's answer."),
    )
    # Folded name, synonyms and codes, so that a plain LIKE search finds every spelling.
    search_text = models.TextField(editable=False, default="")
    # The names' matching keys, which search compares with the query's (text.match_key).
    match_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (ORPHA:{self.orpha_code})"

    def refresh_search_text(self) -> None:
        names = list(self.names.values_list("name", flat=True)) if self.pk else []
        self.search_text = search_text_for(self.name, names, self.orpha_code, self.icd10_codes)
        self.match_text = match_text_for(self.name, names, self.orpha_code, self.icd10_codes)

    def label(self, local_name: str = "") -> str:
        """How a search result reads: the name in the reader's language where there is one,
        with Orphanet's name and code beside it."""
        if local_name and local_name != self.name:
            return f"{local_name} – {self}"
        return str(self)


class DiagnosisName(models.Model):
    """A synonym or a name in another language of a catalogue entry.

    Orphanet's English synonyms are kept in step with it by the import; the English
    preferred name is `Diagnosis.name`. Staff add names in any language, Danish, Swedish,
    Norwegian, Finnish or English; an import never touches them.
    """

    class Kind(models.TextChoices):
        PREFERRED = "preferred", _("preferred name")
        SYNONYM = "synonym", _("synonym")

    class Source(models.TextChoices):
        ORPHANET = "orphanet", _("Orphanet")
        STAFF = "staff", _("staff")

    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="names", verbose_name=_("diagnosis")
    )
    name = models.CharField(_("name"), max_length=255)
    language = models.CharField(_("language"), max_length=8, choices=NAME_LANGUAGES, default="da")
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.SYNONYM,
        help_text=_("The preferred name in a language is the one search results show."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.STAFF, editable=False
    )

    class Meta:
        verbose_name = _("diagnosis name")
        verbose_name_plural = _("diagnosis names")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnosis", "language", "name"], name="diagnosis_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssociationQuerySet(models.QuerySet):
    def covering(self, *diagnoses: Diagnosis) -> AssociationQuerySet:
        """Associations for any of the diagnoses or for an entry above one of them in the
        classification (an association for a disorder covers its subtypes)."""
        return self.filter(
            models.Q(diagnoses__in=diagnoses) | models.Q(diagnoses__children__in=diagnoses)
        ).distinct()


class Association(models.Model):
    """A patient association: where the network refers applicants whose diagnosis has one."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    diagnoses = models.ManyToManyField(
        Diagnosis,
        related_name="associations",
        blank=True,
        verbose_name=_("diagnoses covered"),
    )
    is_umbrella_member = models.BooleanField(
        _("member of the umbrella organisation"), default=False
    )

    objects = AssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient association")
        verbose_name_plural = _("patient associations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DiagnosisGroupQuerySet(models.QuerySet):
    def covering(self, diagnosis: Diagnosis) -> DiagnosisGroupQuerySet:
        return self.filter(diagnoses=diagnosis)

    def with_member_count(self) -> DiagnosisGroupQuerySet:
        """Each group with `active_members`, the members who have not left: a subquery per
        group shown, so that a page of groups counts its own members and not everyone's."""
        # Memberships are the members app's, which builds on this one: reached through
        # the relation rather than imported.
        membership = self.model._meta.get_field("memberships").related_model
        counted = (
            membership.objects.filter(group=models.OuterRef("pk"), left_at=None)
            .order_by()
            .values("group")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            active_members=Coalesce(
                models.Subquery(counted, output_field=models.IntegerField()), models.Value(0)
            )
        )


class DiagnosisGroup(models.Model):
    """The people who share one diagnosis and one contact list.

    A group may cover several catalogue entries, e.g. a disorder and its subtypes.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HAS_ASSOCIATION = "association", _("has its own association")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=255, unique=True)
    diagnoses = models.ManyToManyField(
        Diagnosis, related_name="groups", blank=True, verbose_name=_("diagnoses")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("association"),
        help_text=_("The association the group founded or points new applicants to."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DiagnosisGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnosis group")
        verbose_name_plural = _("diagnosis groups")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="association") | models.Q(association__isnull=False),
                name="group_with_association_names_it",
                violation_error_message=_("Choose the association the group has."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The check constraint says the same, but as an error of the whole form; staff need
        # it next to the field they must fill in.
        if self.status == self.Status.HAS_ASSOCIATION and self.association_id is None:
            raise ValidationError({"association": _("Choose the association the group has.")})


class ProposedName(models.Model):
    """A name for a catalogue entry, learnt from review: what an applicant typed that did not
    find the entry staff then chose. Staff accept it as a name, or dismiss it; never
    automatically, as free text can hold anything."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")

    diagnosis = models.ForeignKey(
        Diagnosis,
        on_delete=models.CASCADE,
        related_name="proposed_names",
        verbose_name=_("diagnosis"),
    )
    name = models.CharField(_("name"), max_length=255)
    language = models.CharField(_("language"), max_length=8, choices=NAME_LANGUAGES)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed diagnosis name")
        verbose_name_plural = _("proposed diagnosis names")
        ordering = ["-proposed_at"]
        constraints = [
            # The same words typed again for the same entry are one proposal; once
            # dismissed, they are not proposed again.
            models.UniqueConstraint(
                fields=["diagnosis", "language", "name"], name="proposed_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
