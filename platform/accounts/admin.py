# The admin of logins is registered by the shoppers app (shoppers/admin.py): most logins are
# shoppers', whose usernames are personal data shown only with the PII permission.
