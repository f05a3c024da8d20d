"""The consultation's stages (C8): enquiry → visited → purchased; an enquiry or a visit may be dropped."""

from aftersales.consultations.choices import ConsultationStage as S

STAGE_TRANSITIONS: dict[str, dict[str, str]] = {
    S.ENQUIRY: {S.VISITED: "C8", S.PURCHASED: "C8", S.DROPPED: "C8"},
    S.VISITED: {S.PURCHASED: "C8", S.DROPPED: "C8"},
    S.PURCHASED: {},
    S.DROPPED: {S.ENQUIRY: "C8"},  # the enquirer came back
}
