"""The shop's top navigation: the links that work for whoever is logged in.

A shopper gets their suggestions, try-ons and account; merchant staff and operators (who have
no shopper profile, so every shopper page is a 404 for them) get their catalogue in the
admin instead; a visitor gets log in and sign up.
"""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from shoppers.selectors import shopper_for_user

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    """One link of the top bar; ``element_id`` lets tests and scripts find it."""

    label: str
    url: str
    element_id: str
    css_class: str = ""


def storefront_nav_links(*, user) -> list[NavLink]:
    """The links of the top bar for ``user`` (logging out is a form, not a link)."""
    if not user.is_authenticated:
        return [
            NavLink("Log in", reverse("shoppers:login"), "nav-login"),
            NavLink("Sign up", reverse("shoppers:sign_up"), "nav-sign-up"),
        ]
    links = []
    if shopper_for_user(user=user) is not None:
        links += [
            NavLink("For you", reverse("recommendations:suggestions"), "nav-suggestions"),
            NavLink("Try-ons", reverse("tryon:job_list"), "nav-tryons"),
            NavLink(user.get_username(), reverse("shoppers:profile"), "nav-profile", "user"),
        ]
    if user.is_active and user.is_staff:
        # Merchant staff land on their garments (the admin scopes them to their merchant).
        if user.has_perm("catalog.view_garment"):
            links.append(
                NavLink(
                    "Your catalogue", reverse("admin:catalog_garment_changelist"), "nav-catalogue"
                )
            )
        links.append(NavLink("Admin", reverse("admin:index"), "nav-admin"))
    return links


@register.inclusion_tag("core/_nav.html", takes_context=True)
def storefront_nav(context: template.Context) -> dict[str, object]:
    """Render the top bar's links and, for a logged-in user, the log-out button."""
    request = context["request"]
    user = request.user
    links = storefront_nav_links(user=user)
    return {
        "csrf_token": context.get("csrf_token"),
        "links": links,
        "user": user,
        # Staff without a shopper profile see who they are, not a (404) account link.
        "show_name": user.is_authenticated
        and not any(link.element_id == "nav-profile" for link in links),
    }
