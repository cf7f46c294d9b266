"""Appointments lose the single-column indexes of doctor and patient: (doctor, starts_at) and (patient,
starts_at) lead with those columns and serve every lookup they did. A status change (a confirm) cannot be a
HOT update, so it writes a new entry into every index of the table: two fewer per confirm and per hold."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0010_emails_picked_up_by_polling'),
        ('clinic', '0008_clinic_closures'),
    ]

    operations = [
        migrations.AlterField(
            model_name='appointment',
            name='doctor',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='clinic.doctor'),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='patient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='clinic.patient'),
        ),
    ]
