"""Every failure as a clean answer: JSON under /api/, a French page elsewhere.

No input may produce a traceback: bad parameters are 400s naming the
parameter, a missing index or an unreachable engine is a 503 explaining what
to do, anything
unexpected is logged and answered with a plain 500.
"""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.engine import EngineError, NoIndex
from search.request import MAX_FACET_SIZE, MAX_PAGE, MAX_PER_PAGE, BadParameter

from .context import MAX_COMPLETIONS
from .formatting import number_fr
from .kwic import PARAMETER_HELP as KWIC_HELP

DATE_EXAMPLES = "par exemple 2020, 2020-07, 2020-07-14 ou 14/07/2020"
PARAMETER_HELP = {
    "page": f"Le numéro de page doit être un nombre entier entre 1 et {number_fr(MAX_PAGE)}.",
    "per_page": f"Le nombre de résultats par page doit être un nombre entier entre 1 et {MAX_PER_PAGE}.",
    "facet_size": f"Le nombre de valeurs par filtre doit être un nombre entier entre 1 et {number_fr(MAX_FACET_SIZE)}.",
    "sort": "Le tri doit être « relevance » (pertinence), « newest » (plus récents) ou « oldest » (plus anciens).",
    "from": f"La date de début n’est pas une date valide : écrivez-la {DATE_EXAMPLES}.",
    "to": f"La date de fin n’est pas une date valide : écrivez-la {DATE_EXAMPLES}.",
    "variants": "L’option « variants » vaut oui ou non.",
    "comments": "L’option « comments » vaut oui ou non.",
    "q": "Donnez une à cinq requêtes à comparer.",
    "interval": "L’intervalle vaut auto, day (jour), week (semaine), month (mois) ou year (année) ; un intervalle "
                "trop court pour la période demandée est refusé : choisissez-en un plus long ou resserrez les dates.",
    "measure": "L’affichage vaut « count » (nombre d’articles) ou « share » (part des articles de la période).",
    "n": f"Le nombre de suggestions doit être un nombre entier entre 1 et {MAX_COMPLETIONS}.",
}
STATUS_TITLES = {400: "Requête invalide", 404: "Page introuvable", 405: "Méthode non autorisée",
                 500: "Erreur interne", 503: "Index indisponible"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def french_message(exc: BadParameter) -> str:
    helps = {**PARAMETER_HELP, **KWIC_HELP} if request.blueprint == "kwic" else PARAMETER_HELP
    return helps.get(exc.name, f"Le paramètre « {exc.name} » n’est pas valide.")


def _page(status: int, message: str, headers=(), **extra):
    title = STATUS_TITLES.get(status, "Erreur")
    return render_template("error.html", status=status, title=title, message=message, **extra), status, headers


def _json(status: int, message: str, parameter: str | None = None, headers=()):
    """The API's one error shape; ``parameter`` names the parameter at fault, or is null."""
    return jsonify(error=message, parameter=parameter), status, headers


def bad_parameter(exc: BadParameter):
    if _wants_json():
        return _json(400, str(exc), exc.name)
    return _page(400, french_message(exc), parameter=exc.name)


def engine_error(exc: EngineError):
    index = current_app.config["INDEX"]
    if _wants_json():
        return _json(503, str(exc))
    if isinstance(exc, NoIndex):
        return _page(503, "Aucun index n’est encore disponible pour cette archive.", index=index)
    return _page(503, str(exc))


def http_error(exc: HTTPException):
    # Keep the headers the status requires, such as a 405's Allow (RFC 9110); the body is ours.
    headers = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        return _json(exc.code, exc.description, headers=headers)
    messages = {404: "Cette page n’existe pas, ou l’article demandé n’est pas dans l’archive."}
    return _page(exc.code, messages.get(exc.code, exc.description), headers)


def unexpected(exc: Exception):
    current_app.logger.exception("unexpected error on %s", request.full_path[:300])
    if _wants_json():
        return _json(500, "internal error")
    return _page(500, "Une erreur inattendue s’est produite. Elle a été enregistrée ; réessayez plus tard.")


def register(app) -> None:
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(EngineError, engine_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)
