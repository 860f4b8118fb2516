from django.db import migrations


def backfill(apps, schema_editor):
    from privacy.pseudonyms import pseudonym_for

    shopper_model = apps.get_model("shoppers", "Shopper")
    for shopper in shopper_model.objects.filter(pseudonym__isnull=True):
        shopper.pseudonym = pseudonym_for(subject=f"shopper:{shopper.pk}")
        shopper.save(update_fields=["pseudonym"])


class Migration(migrations.Migration):
    dependencies = [("shoppers", "0002_pseudonym")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
