"""The permission names privacy rules check: below the apps whose models declare them, so a
primitive such as ``privacy.selectors`` can name them without importing those apps."""

#: The permission that lets staff see a shopper's name, e-mail, measurements and photos in
#: the admin; every such view is logged (privacy.models.PiiAccess). Declared on
#: ``shoppers.Shopper`` (its content type's app label is "shoppers").
PII_PERMISSION_CODENAME = "view_shopper_pii"
