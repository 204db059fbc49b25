# The app's first migration holds no model: each subject of the app adds its own
# migration on top of this one, so that they can be written side by side.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("core", "0001_initial")]
    operations = []
