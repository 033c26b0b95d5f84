package org.vvmhost.services.world;

import java.util.List;

/** The name and the columns of a set that ships with the product. */
abstract class BuiltInSet implements ComponentSet {

    private final String name;
    private final ComponentSchema schema;

    BuiltInSet(String name, List<String> floatColumns, List<String> intColumns) {
        this.name = name;
        this.schema = new ComponentSchema(floatColumns, intColumns);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ComponentSchema schema() {
        return schema;
    }
}
