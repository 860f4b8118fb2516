# The admin of logins is registered by the shop app (shop/admin.py): most logins are
# shoppers', whose usernames are personal data shown only with the PII permission.
